-- The day's vanished facts take the outcome their item page lookup recorded ('unknown' without one), and the day's
-- aggregates split vanished into sold, withdrawn and unknown; time to sell is the average over sold listings only.
-- Run by every mart build (after the aggregates) and again by the lookup after it recorded the day's outcomes.
update mart.fact_listing_vanished f
set outcome = coalesce((select o.outcome from core.item_vanish_outcome o
                        where o.domain = f.domain and o.item_id = f.item_id and o.vanished_on = f.vanished_on), 'unknown')
where f.vanished_on = @observed_date;

update mart.agg_daily_brand_catalog a
set sold_listings = v.sold, withdrawn_listings = v.withdrawn, unknown_outcome_listings = v.unknown, avg_days_to_sell = v.avg_days_to_sell
from (
    select domain, brand_key, catalog_key, currency,
           count(*) filter (where outcome = 'sold') as sold,
           count(*) filter (where outcome = 'withdrawn') as withdrawn,
           count(*) filter (where outcome = 'unknown') as unknown,
           round(avg(days_first_seen_to_vanished) filter (where outcome = 'sold'), 2) as avg_days_to_sell
    from mart.fact_listing_vanished
    where vanished_on = @observed_date
    group by domain, brand_key, catalog_key, currency
) v
where a.snapshot_date = @observed_date and a.domain = v.domain and a.brand_key = v.brand_key and a.catalog_key = v.catalog_key
  and a.currency = v.currency;
