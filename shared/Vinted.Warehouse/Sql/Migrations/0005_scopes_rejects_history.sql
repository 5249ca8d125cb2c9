-- Issue 12: complete scopes vs out of view, rejected items, facts with their own day's attributes, one run per date,
-- the aggregate's grain with the domain, and the days whose mart must be rebuilt.

-- A search scope is complete only when its whole result set was fetched: page 1's total_entries, reached by the
-- items of contiguous pages, no empty page before the last, no page quarantined and no item rejected. Only a complete
-- scope proves that a listing missing from it is gone; a truncated one (capped, cut short) only lost sight of it.
alter table staging.run_scope
    add column total_entries          bigint,
    add column last_page              int,
    add column empty_pages_before_last int    not null default 0,
    add column rejected_items         bigint not null default 0,
    add column complete               boolean not null default false;

-- Items of a loadable page that could not become a staging row (unreadable id or price, text PostgreSQL cannot
-- hold): kept with the reason and the lineage back to the raw S3 object, never loaded, never failing the day alone.
-- The raw item is bytea: the very bytes jsonb and text refuse (a NUL, a lone surrogate) must be kept as they came.
create table staging.item_reject (
    run_id        text        not null,
    observed_date date        not null,
    domain        text        not null,
    endpoint      text        not null,
    search_key    text        not null,
    s3_key        text        not null,
    page          int         not null,
    item_index    int         not null,
    fetched_at    timestamptz not null,
    reason        text        not null,
    raw           bytea       not null,
    primary key (run_id, s3_key, item_index)
);

-- The run that holds each normalized date: a second run of the date supersedes the first, whose rows are removed.
create table core.observed_day (
    observed_date date        primary key,
    run_id        text        not null,
    -- The mart day no longer reflects the normalized model (a day before or at it was normalized again).
    mart_stale    boolean     not null default true
);

insert into core.observed_day (observed_date, run_id, mart_stale)
select distinct on (observed_date) observed_date, run_id, true
from core.scope_run
order by observed_date, run_id desc;

-- Facts take the attributes their own day observed (a null carries the last known value forward), not today's.
alter table core.item_sighting
    add column brand_key     int,
    add column size_key      int,
    add column condition_key int,
    add column catalog_id    bigint,
    add column seller_id     bigint;

update core.item_sighting s
set brand_key = i.brand_key, size_key = i.size_key, condition_key = i.condition_key, catalog_id = i.catalog_id, seller_id = i.seller_id
from core.item i
where i.domain = s.domain and i.item_id = s.item_id;

-- History is rebuilt per listing when an earlier date arrives late: these find a listing's sightings and versions.
create index item_sighting_listing on core.item_sighting (domain, item_id, observed_date);
create index item_vanish_listing on core.item_vanish (domain, item_id);

-- A listing that left a truncated scope and was seen nowhere else on its domain that date: out of view, not sold.
create table core.item_out_of_view (
    domain         text   not null,
    item_id        bigint not null,
    out_of_view_on date   not null,
    last_seen      date   not null,
    last_price     numeric,
    currency       text,
    run_id         text   not null,
    primary key (domain, item_id, out_of_view_on)
);
create index item_out_of_view_date on core.item_out_of_view (out_of_view_on);

create table mart.fact_listing_out_of_view (
    out_of_view_on date   not null,
    domain         text   not null,
    item_id        bigint not null,
    brand_key      int    not null,
    catalog_key    bigint not null,
    seller_id      bigint,
    last_seen      date   not null,
    last_price     numeric,
    currency       text,
    run_id         text   not null,
    primary key (out_of_view_on, domain, item_id)
);

-- The aggregate's grain gains the domain (two sites' listings were summed together) and counts out-of-view listings
-- apart from vanished ones. Its rows cannot be split by domain after the fact: they are dropped and every mart day is
-- marked stale above, so the next mart build (or a backfill) rebuilds them.
truncate mart.agg_daily_brand_catalog;
alter table mart.agg_daily_brand_catalog drop constraint agg_daily_brand_catalog_pkey;
alter table mart.agg_daily_brand_catalog
    add column domain text not null,
    add column out_of_view_listings bigint not null default 0;
alter table mart.agg_daily_brand_catalog add primary key (snapshot_date, domain, brand_key, catalog_key, currency);
