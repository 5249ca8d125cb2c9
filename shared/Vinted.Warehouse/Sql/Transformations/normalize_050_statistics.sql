-- Fresh statistics for what the mart reads next. Without them the planner sees the first day's tables as empty and
-- picks nested loops over a million rows. ANALYZE samples a fixed number of rows, so its cost does not grow with
-- the history; the sighting history's partitions are analyzed by core.analyze_history (migration 0019).
analyze core.item_attributes;
analyze core.item_state;
analyze core.seller;
analyze core.item_vanish;
analyze core.item_price_history;
analyze core.scope_run;
select core.analyze_history(@observed_date);
