-- Issue 14: the price model's features and its scores, in the mart.

-- One row per listing per day it was seen, with the values known as of that day: the day's own brand, catalog, size,
-- condition and favourites (from the fact), price drops counted up to that day, days on sale up to that day. A view,
-- not a table: it is always the mart's, so a rebuilt or backfilled day needs nothing more. The condition is one id
-- across the sites' languages: Vinted's status id, which seller pages name; a condition only ever seen by its title
-- (catalog pages) keeps a per-site key rather than a guess. The title and the photo count are the listing's current
-- ones (the normalized model keeps no history of them). The target is the asking price (price); sold_price, kept
-- apart, is the last price of a listing that vanished from complete searches the next time it was looked for.
create view mart.listing_features as
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
       v.last_price                                                                     as sold_price
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

-- Each day's listings scored by the production model of their currency: the estimate, the model version that made it,
-- and how far the asking price is from it (price / estimate - 1: +0.20 asks 20 % more than the estimate).
create table mart.listing_price_estimate (
    snapshot_date date    not null,
    domain        text    not null,
    item_id       bigint  not null,
    currency      text    not null,
    price         numeric not null,
    estimate      numeric not null,
    deviation     numeric not null,
    model_name    text    not null,
    model_version int     not null,
    scored_at     timestamptz not null,
    primary key (snapshot_date, domain, item_id)
);
