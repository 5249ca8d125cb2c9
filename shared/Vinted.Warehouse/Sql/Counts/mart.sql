-- What the mart holds for a date once built, for its result and log line: one row.
select
    (select count(*) from mart.fact_listing_daily       where snapshot_date  = @observed_date) as facts,
    (select count(*) from mart.fact_listing_vanished    where vanished_on    = @observed_date) as vanished,
    (select count(*) from mart.fact_listing_out_of_view where out_of_view_on = @observed_date) as out_of_view,
    (select count(*) from mart.agg_daily_brand_catalog  where snapshot_date  = @observed_date) as aggregates
