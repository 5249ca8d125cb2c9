-- What the insight filters can offer, from the last 90 days of data: the date range, the domains with their
-- currencies, and the brands and catalogs with the most listings (from the small daily aggregate).
select min(snapshot_date), max(snapshot_date) from mart.fact_listing_daily;

select domain, currency, count(*) as listings
from mart.fact_listing_daily
where snapshot_date >= (select max(snapshot_date) - 90 from mart.fact_listing_daily)
group by domain, currency
order by domain, listings desc;

select b.title, sum(a.listing_count) as listings
from mart.agg_daily_brand_catalog a
join mart.dim_brand b on b.brand_key = a.brand_key
where a.snapshot_date >= (select max(snapshot_date) - 90 from mart.agg_daily_brand_catalog)
  and a.brand_key <> -1
group by b.title
order by listings desc, b.title
limit @brands;

select a.catalog_key, sum(a.listing_count) as listings
from mart.agg_daily_brand_catalog a
where a.snapshot_date >= (select max(snapshot_date) - 90 from mart.agg_daily_brand_catalog)
  and a.catalog_key <> -1
group by a.catalog_key
order by listings desc, a.catalog_key
limit @catalogs;
