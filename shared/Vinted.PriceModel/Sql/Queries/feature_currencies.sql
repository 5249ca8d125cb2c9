-- The currencies with listings up to @to, each with its newest day. Read from the daily aggregate (a row per day,
-- domain, brand, catalog and currency) rather than the facts: the same answer without scanning every listing of every day.
select currency, max(snapshot_date)
from mart.agg_daily_brand_catalog
where snapshot_date <= @to and listing_count > 0
group by currency
order by currency
