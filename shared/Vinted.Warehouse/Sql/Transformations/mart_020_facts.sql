-- The date's listing snapshots, from every sighting of that date (the partition was emptied just before), with the
-- brand, catalog, size, condition and seller that date observed. "New" = first seen this date; a price drop compares
-- with the listing's previous price in the same currency.
insert into mart.fact_listing_daily (
    snapshot_date, domain, item_id, brand_key, catalog_key, size_key, condition_key, seller_id,
    price, currency, previous_price, is_new, price_dropped, favourite_count, run_id, s3_key, item_index,
    attribute_source, promoted)
select s.observed_date, s.domain, s.item_id,
       coalesce(s.brand_key, -1), coalesce(s.catalog_id, -1), coalesce(s.size_key, -1), coalesce(s.condition_key, -1), s.seller_id,
       s.price, s.currency, s.previous_price, i.first_seen = s.observed_date, coalesce(s.previous_price > s.price, false),
       s.favourite_count, s.run_id, s.s3_key, s.item_index, s.attribute_source, s.promoted
from core.item_sighting s
-- The attributes alone: first_seen lives there, and core.item would join every listing's state for nothing.
join core.item_attributes i on i.domain = s.domain and i.item_id = s.item_id
where s.observed_date = @observed_date;

-- Statistics of the day's partition before anything reads it (0016).
select mart.analyze_day(@observed_date);

-- Listings that left the view on this date, with the attributes of the last day they were seen.
delete from mart.fact_listing_vanished where vanished_on = @observed_date;
insert into mart.fact_listing_vanished (
    vanished_on, domain, item_id, brand_key, catalog_key, seller_id, first_seen, listed_at,
    days_first_seen_to_vanished, days_listed_to_vanished, last_price, currency, run_id)
select v.vanished_on, v.domain, v.item_id, coalesce(s.brand_key, -1), coalesce(s.catalog_id, -1), s.seller_id,
       v.first_seen, v.listed_at, v.vanished_on - v.first_seen,
       v.vanished_on - (v.listed_at at time zone 'UTC')::date, v.last_price, v.currency, v.run_id
from core.item_vanish v
join core.item_sighting s on s.observed_date = v.last_seen and s.domain = v.domain and s.item_id = v.item_id
where v.vanished_on = @observed_date;

delete from mart.fact_listing_out_of_view where out_of_view_on = @observed_date;
insert into mart.fact_listing_out_of_view (
    out_of_view_on, domain, item_id, brand_key, catalog_key, seller_id, last_seen, last_price, currency, run_id)
select o.out_of_view_on, o.domain, o.item_id, coalesce(s.brand_key, -1), coalesce(s.catalog_id, -1), s.seller_id,
       o.last_seen, o.last_price, o.currency, o.run_id
from core.item_out_of_view o
join core.item_sighting s on s.observed_date = o.last_seen and s.domain = o.domain and s.item_id = o.item_id
where o.out_of_view_on = @observed_date;
