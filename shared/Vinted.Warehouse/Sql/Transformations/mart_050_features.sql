-- The price model's features of the date's listings (the partition was emptied just before), as of that date: the
-- day's brand, catalog, size, condition and favourites (from the fact), price drops counted up to that date, days on
-- sale up to that date. The condition is one id across the sites' languages: Vinted's status id, which seller pages
-- name; a condition only ever seen by its title (catalog pages) keeps a per-site key rather than a guess. The title and
-- the photo count are the listing's as the build sees them (the normalized model keeps no history of them; normalize
-- keeps the count).
-- Set-based: each aggregate is computed once for the day, never per listing.
--
-- Hash joins only, for this statement: the facts are read through the partitioned parent, which has no statistics of its
-- own (ANALYZE of the parent would sample every day's partition, and on PostgreSQL 15 analyze each again), so the planner
-- takes the default 200 distinct domains, expects about 5,000 of the day's 1,000,000 listings to join, and picks a
-- nested loop of 1,000,000 seller probes and a sort spilled to disk (141 MB) for a merge join. Measured on day 21 of the
-- 1,000,000-listing month, into an empty unindexed table: 10.0-10.9 s with the planner's choice, 7.7-8.0 s hash-only.
set local enable_nestloop = off;
set local enable_mergejoin = off;

insert into mart.fact_listing_features (
    snapshot_date, domain, item_id, currency, price, brand, catalog, size, condition, title, photo_count, days_on_sale,
    favourite_count, price_drops, seller_business, seller_listings, attribute_source, promoted)
select f.snapshot_date,
       f.domain,
       f.item_id,
       f.currency,
       f.price,
       coalesce(b.title, '(none)'),
       f.catalog_key::text,
       coalesce(sz.title, '(none)'),
       coalesce('status-' || c.vinted_id, c.domain || ':' || c.title, '(unknown)'),
       coalesce(i.title, ''),
       i.photo_count,
       greatest(0, f.snapshot_date - coalesce((i.listed_at at time zone 'UTC')::date, i.first_seen)),
       coalesce(f.favourite_count, 0),
       coalesce(d.drops, 0)::int,
       coalesce(sel.business, false),
       coalesce(act.listings, 0)::int,
       f.attribute_source,
       f.promoted
from mart.fact_listing_daily f
join core.item_attributes i on i.domain = f.domain and i.item_id = f.item_id
left join mart.dim_brand b on b.brand_key = f.brand_key
left join mart.dim_size sz on sz.size_key = f.size_key
left join mart.dim_condition c on c.condition_key = f.condition_key and f.condition_key <> -1
left join core.seller sel on sel.domain = f.domain and sel.seller_id = f.seller_id
left join (select s.domain, s.item_id, count(*) as drops
           from core.item_sighting s
           where s.previous_price > s.price and s.observed_date <= @observed_date
           group by s.domain, s.item_id) d
       on d.domain = f.domain and d.item_id = f.item_id
-- The seller's activity: how many of their listings were on sale that day.
left join (select a.domain, a.seller_id, count(*) as listings
           from mart.fact_listing_daily a
           where a.snapshot_date = @observed_date and a.seller_id is not null
           group by a.domain, a.seller_id) act
       on act.domain = f.domain and act.seller_id = f.seller_id
where f.snapshot_date = @observed_date;

reset enable_nestloop;
reset enable_mergejoin;
