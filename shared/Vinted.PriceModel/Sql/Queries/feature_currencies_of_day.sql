-- The currencies with listings on @day (from the daily aggregate: a few thousand rows, not the day's listings).
select distinct currency
from mart.agg_daily_brand_catalog
where snapshot_date = @day and listing_count > 0
order by currency
