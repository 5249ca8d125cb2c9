-- The date's facts of listings that left the view (vanished or out of view). Its daily listing facts are built beside
-- the build's transaction (mart_006_fact_build.sql) and attached as the day's partition.

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
