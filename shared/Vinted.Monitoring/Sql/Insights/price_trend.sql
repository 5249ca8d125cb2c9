-- Median price with its p25-p75 band per day, over the listings seen that day that match the filters. One
-- currency per request (the API requires it), so prices in different currencies never share a series.
-- From the daily facts rather than agg_daily_brand_catalog: the aggregate has no domain, and percentiles of
-- several brand x catalog groups cannot be combined; the date range prunes the fact partitions.
select f.snapshot_date,
       count(*) as listings,
       round(percentile_cont(0.25) within group (order by f.price)::numeric, 2) as p25,
       round(percentile_cont(0.50) within group (order by f.price)::numeric, 2) as median,
       round(percentile_cont(0.75) within group (order by f.price)::numeric, 2) as p75
from mart.filtered_listing_daily(@from, @to, @currency::text, @domain::text, @brand::text, @catalog::bigint) f
group by f.snapshot_date
order by f.snapshot_date;
