-- Issue 22: the price model's features say where a listing's brand, size and condition came from (the flat fields or
-- the card, mart.fact_listing_daily.attribute_source) and whether the listing was only seen as a promoted card that day,
-- so the model can tell. Added at the end of the view (CREATE OR REPLACE keeps the existing columns as they are).
create or replace view mart.listing_features as
select f.snapshot_date,
       f.domain,
       f.item_id,
       f.currency,
       f.price,
       coalesce(b.title, '(none)')                                                      as brand,
       f.catalog_key::text                                                              as catalog,
       coalesce(sz.title, '(none)')                                                     as size,
       coalesce('status-' || c.vinted_id, c.domain || ':' || c.title, '(unknown)')      as condition,
       coalesce(i.title, '')                                                            as title,
       (select count(*) from core.photo p where p.domain = f.domain and p.item_id = f.item_id)::int as photo_count,
       greatest(0, f.snapshot_date - coalesce((i.listed_at at time zone 'UTC')::date, i.first_seen))  as days_on_sale,
       coalesce(f.favourite_count, 0)                                                   as favourite_count,
       (select count(*) from core.item_sighting s
         where s.domain = f.domain and s.item_id = f.item_id and s.observed_date <= f.snapshot_date
           and s.previous_price > s.price)::int                                         as price_drops,
       coalesce(sel.business, false)                                                    as seller_business,
       coalesce(act.listings, 0)::int                                                   as seller_listings,
       v.last_price                                                                     as sold_price,
       -- Issue 22: where the day's brand, size and condition came from, and whether the listing was only an advert.
       f.attribute_source,
       f.promoted
from mart.fact_listing_daily f
join core.item_attributes i on i.domain = f.domain and i.item_id = f.item_id
left join mart.dim_brand b on b.brand_key = f.brand_key
left join mart.dim_size sz on sz.size_key = f.size_key
left join mart.dim_condition c on c.condition_key = f.condition_key and f.condition_key <> -1
left join core.seller sel on sel.domain = f.domain and sel.seller_id = f.seller_id
-- The seller's activity: how many of their listings were on sale that day.
left join (select snapshot_date, domain, seller_id, count(*) as listings
           from mart.fact_listing_daily where seller_id is not null
           group by snapshot_date, domain, seller_id) act
       on act.snapshot_date = f.snapshot_date and act.domain = f.domain and act.seller_id = f.seller_id
-- The sold proxy: this was the listing's last day before it vanished from a complete search.
left join core.item_vanish v on v.domain = f.domain and v.item_id = f.item_id and v.last_seen = f.snapshot_date;
