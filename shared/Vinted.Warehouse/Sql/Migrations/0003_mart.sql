-- The data mart: a star schema. Dimensions are conformed (one brand, catalog, size, condition, seller and date
-- dimension for every fact); key -1 is the "unknown" member so facts never hold null keys.
create schema if not exists mart;

create table mart.dim_date (
    date_key date primary key,
    year     int not null,
    quarter  int not null,
    month    int not null,
    day      int not null,
    iso_week int not null,
    iso_dow  int not null
);

create table mart.dim_brand (brand_key int primary key, title text not null, vinted_id bigint);
create table mart.dim_size (size_key int primary key, title text not null, vinted_id bigint);
create table mart.dim_condition (condition_key int primary key, domain text, title text not null, vinted_id bigint);
create table mart.dim_catalog (catalog_key bigint primary key, vinted_id bigint);
create table mart.dim_seller (
    domain    text   not null,
    seller_id bigint not null,
    login     text,
    business  boolean,
    primary key (domain, seller_id)
);

insert into mart.dim_brand values (-1, '(none)', null);
insert into mart.dim_size values (-1, '(none)', null);
insert into mart.dim_condition values (-1, null, '(unknown)', null);
insert into mart.dim_catalog values (-1, null);

-- One row per listing per day it was seen. Partitioned by day: a run rebuilds its day by truncating one
-- partition, so a daily run costs that day's rows whatever the history holds. run_id + s3_key + item_index
-- are the lineage back to staging and to the raw S3 object.
create table mart.fact_listing_daily (
    snapshot_date   date    not null,
    domain          text    not null,
    item_id         bigint  not null,
    brand_key       int     not null,
    catalog_key     bigint  not null,
    size_key        int     not null,
    condition_key   int     not null,
    seller_id       bigint,
    price           numeric not null,
    currency        text    not null,
    previous_price  numeric,
    is_new          boolean not null,
    price_dropped   boolean not null,
    favourite_count int,
    run_id          text    not null,
    s3_key          text    not null,
    item_index      int     not null,
    primary key (snapshot_date, domain, item_id)
) partition by range (snapshot_date);

-- Listings that disappeared, with the time they took to go (a proxy for time to sell).
create table mart.fact_listing_vanished (
    vanished_on                 date   not null,
    domain                      text   not null,
    item_id                     bigint not null,
    brand_key                   int    not null,
    catalog_key                 bigint not null,
    seller_id                   bigint,
    first_seen                  date   not null,
    listed_at                   timestamptz,
    days_first_seen_to_vanished int    not null,
    days_listed_to_vanished     int,
    last_price                  numeric,
    currency                    text,
    run_id                      text   not null,
    primary key (vanished_on, domain, item_id)
);

-- Per day x brand x catalog x currency: currencies are never mixed in one aggregate.
create table mart.agg_daily_brand_catalog (
    snapshot_date     date    not null,
    brand_key         int     not null,
    catalog_key       bigint  not null,
    currency          text    not null,
    listing_count     bigint  not null,
    new_listings      bigint  not null,
    vanished_listings bigint  not null,
    price_drops       bigint  not null,
    price_p25         numeric,
    price_median      numeric,
    price_p75         numeric,
    avg_days_to_sell  numeric,
    primary key (snapshot_date, brand_key, catalog_key, currency)
);

-- Creates the day's partition, or empties it when the day is rebuilt.
create function mart.prepare_day(p_date date) returns text
language plpgsql as $$
declare
    part text := 'fact_listing_daily_' || to_char(p_date, 'YYYYMMDD');
begin
    if to_regclass(format('mart.%I', part)) is null then
        execute format('create table mart.%I partition of mart.fact_listing_daily for values from (%L) to (%L)', part, p_date, p_date + 1);
    else
        execute format('truncate table mart.%I', part);
    end if;
    return format('mart.%I', part);
end
$$;
