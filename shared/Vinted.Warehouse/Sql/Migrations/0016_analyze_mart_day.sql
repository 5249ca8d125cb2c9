-- Issue 21: a day's fact partition is analyzed as soon as it is filled. Without statistics the planner took the new
-- partition's 1,000,000 rows for about 4,000 and read the features' joins as nested loops of index probes (120 s of a
-- 1,000,000-listing mart build). Only the day's partition: ANALYZE of the partitioned parent would sample every day.
create function mart.analyze_day(p_date date) returns void
language plpgsql as $$
begin
    execute format('analyze mart.%I', 'fact_listing_daily_' || to_char(p_date, 'YYYYMMDD'));
end
$$;
