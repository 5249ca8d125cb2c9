-- Per date x brand x catalog x currency. Percentiles are continuous (interpolated) and rounded to the cent.
delete from mart.agg_daily_brand_catalog where snapshot_date = @observed_date;

insert into mart.agg_daily_brand_catalog (
    snapshot_date, brand_key, catalog_key, currency, listing_count, new_listings, vanished_listings, price_drops,
    price_p25, price_median, price_p75, avg_days_to_sell)
select @observed_date, brand_key, catalog_key, currency,
       coalesce(f.listing_count, 0), coalesce(f.new_listings, 0), coalesce(v.vanished_listings, 0), coalesce(f.price_drops, 0),
       f.price_p25, f.price_median, f.price_p75, v.avg_days_to_sell
from (
    select brand_key, catalog_key, currency,
           count(*) as listing_count,
           count(*) filter (where is_new) as new_listings,
           count(*) filter (where price_dropped) as price_drops,
           round(percentile_cont(0.25) within group (order by price)::numeric, 2) as price_p25,
           round(percentile_cont(0.50) within group (order by price)::numeric, 2) as price_median,
           round(percentile_cont(0.75) within group (order by price)::numeric, 2) as price_p75
    from mart.fact_listing_daily
    where snapshot_date = @observed_date
    group by brand_key, catalog_key, currency
) f
full join (
    select brand_key, catalog_key, currency,
           count(*) as vanished_listings,
           round(avg(days_first_seen_to_vanished), 2) as avg_days_to_sell
    from mart.fact_listing_vanished
    where vanished_on = @observed_date
    group by brand_key, catalog_key, currency
) v using (brand_key, catalog_key, currency);
