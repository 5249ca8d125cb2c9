-- The price model's features of the date's listings, as of that date, into a table that the mart build's transaction
-- then attaches as the date's partition (0021, 0022): run by the build on a connection of its own, beside its
-- transaction's dimensions and aggregates and the facts' own build (mart_006_fact_build.sql). It reads only what
-- normalize committed: the date's sightings (the rows of the date's facts: every sighting whose listing has
-- attributes), their brand, size, condition and favourites, price drops counted up to that date, days on sale up to
-- that date. The condition is one id across the sites' languages: Vinted's status id, which seller pages name; a
-- condition only ever seen by its title (catalog pages) keeps a per-site key rather than a guess. The title and the
-- photo count are the listing's as the build sees them (the normalized model keeps no history of them; normalize keeps
-- the count). A sighting without a brand, size or condition gets the mart's unknown member's title, and without a
-- catalog its key, -1 (0003).
-- Set-based: each aggregate is computed once for the day, never per listing. Read from the facts in the build's own
-- transaction, this statement and the facts' insert took 7.3 and 4.5 s of a 1,000,000-listing day one after the other
-- on one core while the other idled (issue 21).
--
-- Hash joins only: the planner expects far fewer of the day's listings to join than do (the partitioned history has no
-- statistics of its own) and picks a nested loop of 1,000,000 seller probes and a sort spilled to disk for a merge join.
-- Measured on day 21 of the 1,000,000-listing month, into an empty unindexed table: 10.0-10.9 s with the planner's
-- choice, 7.7-8.0 s hash-only.
set local enable_nestloop = off;
set local enable_mergejoin = off;

select mart.open_day_build('fact_listing_features');

insert into mart.fact_listing_features_build (
    snapshot_date, domain, item_id, currency, price, brand, catalog, size, condition, title, photo_count, days_on_sale,
    favourite_count, price_drops, seller_business, seller_listings, attribute_source, promoted)
select s.observed_date,
       s.domain,
       s.item_id,
       s.currency,
       s.price,
       coalesce(b.title, '(none)'),
       coalesce(s.catalog_id, -1)::text,
       coalesce(sz.title, '(none)'),
       coalesce('status-' || c.vinted_id, c.domain || ':' || c.title, '(unknown)'),
       coalesce(i.title, ''),
       i.photo_count,
       greatest(0, s.observed_date - coalesce((i.listed_at at time zone 'UTC')::date, i.first_seen)),
       coalesce(s.favourite_count, 0),
       coalesce(d.drops, 0)::int,
       coalesce(sel.business, false),
       coalesce(act.listings, 0)::int,
       s.attribute_source,
       s.promoted
from core.item_sighting s
join core.item_attributes i on i.domain = s.domain and i.item_id = s.item_id
left join core.brand b on b.brand_key = s.brand_key
left join core.size sz on sz.size_key = s.size_key
left join core.condition c on c.condition_key = s.condition_key
left join core.seller sel on sel.domain = s.domain and sel.seller_id = s.seller_id
left join (select h.domain, h.item_id, count(*) as drops
           from core.item_sighting h
           where h.previous_price > h.price and h.observed_date <= @observed_date
           group by h.domain, h.item_id) d
       on d.domain = s.domain and d.item_id = s.item_id
-- The seller's activity: how many of their listings were on sale that day.
left join (select a.domain, a.seller_id, count(*) as listings
           from core.item_sighting a
           where a.observed_date = @observed_date and a.seller_id is not null
           group by a.domain, a.seller_id) act
       on act.domain = s.domain and act.seller_id = s.seller_id
where s.observed_date = @observed_date;

reset enable_nestloop;
reset enable_mergejoin;

select mart.seal_day_build('fact_listing_features', @observed_date);
