-- Fresh statistics for what the mart reads next. Without them the planner sees the first day's tables as empty and
-- picks nested loops over a million rows. ANALYZE samples a fixed number of rows, but a sample of a bigger table reads
-- pages further apart: the sighting history, which grows the most, is analyzed by core.analyze_history (0019).
analyze core.item_attributes;
analyze core.item_state;
analyze core.seller;
analyze core.item_vanish;
analyze core.item_price_history;
analyze core.scope_run;
select core.analyze_history(@observed_date);
