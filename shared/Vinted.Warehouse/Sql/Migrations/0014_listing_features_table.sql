-- The price model's features become a table the mart build fills, a partition a day, instead of a view.
-- Why: the view counted each listing's photos and its price drops with a subquery per row. core.photo had no index on
-- the listing, so reading one 1,000,000-listing day scanned the photos once per listing (the prices stage of the
-- pipeline benchmark did not finish in 10 minutes), and training reads 28 such days. A day's features are now computed
-- once, set-based, when the mart builds that day (mart_050_features.sql), and read as a plain partition scan.

drop view mart.listing_features;

-- One row per listing per day it was seen, with the values known as of that day (see mart_050_features.sql).
create table mart.fact_listing_features (
    snapshot_date   date    not null,
    domain          text    not null,
    item_id         bigint  not null,
    currency        text    not null,
    price           numeric not null,
    brand           text    not null,
    catalog         text    not null,
    size            text    not null,
    condition       text    not null,
    title           text    not null,
    photo_count     int     not null,
    days_on_sale    int     not null,
    favourite_count int     not null,
    price_drops     int     not null,
    seller_business boolean not null,
    seller_listings int     not null,
    -- Where the day's brand, size and condition came from (flat fields or the card), and whether the listing was only
    -- seen as a promoted card that day (0011).
    attribute_source text,
    promoted        boolean not null,
    primary key (snapshot_date, domain, item_id)
) partition by range (snapshot_date);

-- What readers see: the table, with the sold price joined at read time, since whether a listing sold on its last day
-- is known only later (it vanished, then its item page said sold). A vanished listing not looked up, withdrawn, or
-- whose page said nothing clear has none: the view no longer takes every vanished listing for a sale.
create view mart.listing_features as
select f.snapshot_date, f.domain, f.item_id, f.currency, f.price, f.brand, f.catalog, f.size, f.condition, f.title,
       f.photo_count, f.days_on_sale, f.favourite_count, f.price_drops, f.seller_business, f.seller_listings,
       v.last_price as sold_price, f.attribute_source, f.promoted
from mart.fact_listing_features f
left join (core.item_vanish v
           join core.item_vanish_outcome o
             on o.domain = v.domain and o.item_id = v.item_id and o.vanished_on = v.vanished_on and o.outcome = 'sold')
       on v.domain = f.domain and v.item_id = f.item_id and v.last_seen = f.snapshot_date;

-- Photo counts per listing, and price drops up to a day, read by an index rather than a scan: price drops are under
-- 1 % of sightings, so the partial index holds only them.
create index photo_listing on core.photo (domain, item_id);
create index item_sighting_price_drop on core.item_sighting (domain, item_id, observed_date) where previous_price > price;

-- A day's mart partitions: created, or emptied when the day is rebuilt.
create or replace function mart.prepare_day(p_date date) returns text
language plpgsql as $$
declare
    part text := 'fact_listing_daily_' || to_char(p_date, 'YYYYMMDD');
    features text := 'fact_listing_features_' || to_char(p_date, 'YYYYMMDD');
begin
    if to_regclass(format('mart.%I', part)) is null then
        execute format('create table mart.%I partition of mart.fact_listing_daily for values from (%L) to (%L)', part, p_date, p_date + 1);
    else
        execute format('truncate table mart.%I', part);
    end if;
    if to_regclass(format('mart.%I', features)) is null then
        execute format('create table mart.%I partition of mart.fact_listing_features for values from (%L) to (%L)', features, p_date, p_date + 1);
    else
        execute format('truncate table mart.%I', features);
    end if;
    return format('mart.%I', part);
end
$$;

-- The days the mart already holds get their features at the next mart build, which rebuilds stale days in date order.
update core.observed_day d
set mart_stale = true
where not d.mart_stale
  and exists (select 1 from mart.fact_listing_daily f where f.snapshot_date = d.observed_date);
