-- Per date x domain x brand x catalog x currency. Percentiles are continuous (interpolated) and rounded to the cent.
-- Vanished (left a complete scope: sold or withdrawn) and out of view (left a truncated scope) are counted apart.
-- A listing seen only as a promoted card (an advert) that day is in the facts, flagged, but not in the aggregates.
delete from mart.agg_daily_brand_catalog where snapshot_date = @observed_date;

insert into mart.agg_daily_brand_catalog (
    snapshot_date, domain, brand_key, catalog_key, currency, listing_count, new_listings, vanished_listings, out_of_view_listings,
    price_drops, price_p25, price_median, price_p75, avg_days_to_sell)
select @observed_date, domain, brand_key, catalog_key, currency,
       coalesce(f.listing_count, 0), coalesce(f.new_listings, 0), coalesce(v.vanished_listings, 0), coalesce(o.out_of_view_listings, 0),
       coalesce(f.price_drops, 0), f.price_p25, f.price_median, f.price_p75, v.avg_days_to_sell
from (
    select domain, brand_key, catalog_key, currency,
           count(*) as listing_count,
           count(*) filter (where is_new) as new_listings,
           count(*) filter (where price_dropped) as price_drops,
           round(percentile_cont(0.25) within group (order by price)::numeric, 2) as price_p25,
           round(percentile_cont(0.50) within group (order by price)::numeric, 2) as price_median,
           round(percentile_cont(0.75) within group (order by price)::numeric, 2) as price_p75
    from mart.fact_listing_daily
    where snapshot_date = @observed_date and not promoted
    group by domain, brand_key, catalog_key, currency
) f
full join (
    select domain, brand_key, catalog_key, currency,
           count(*) as vanished_listings,
           round(avg(days_first_seen_to_vanished), 2) as avg_days_to_sell
    from mart.fact_listing_vanished
    where vanished_on = @observed_date
    group by domain, brand_key, catalog_key, currency
) v using (domain, brand_key, catalog_key, currency)
full join (
    select domain, brand_key, catalog_key, currency, count(*) as out_of_view_listings
    from mart.fact_listing_out_of_view
    where out_of_view_on = @observed_date
    group by domain, brand_key, catalog_key, currency
) o using (domain, brand_key, catalog_key, currency);

-- The day now reflects the normalized model.
update core.observed_day set mart_stale = false where observed_date = @observed_date and mart_stale;
