-- The normalized model. Keys are Vinted's ids, scoped by domain where the API scopes them: an item, a seller
-- and a photo are (domain, id), because each country site shows a listing with its own currency and condition
-- wording and nothing in a page proves two sites' ids name the same thing. Brands and sizes are keyed by title:
-- catalog searches carry only brand_title/size_title, so the title is the one key every observation has; the
-- Vinted id is kept when a page supplies it. Conditions are (domain, title): the title is in the site's language.
-- No foreign keys: set-based upserts of a day's items would pay a trigger per row; the "no orphans" quality
-- check verifies the references instead, once per run.
create schema if not exists core;

create table core.brand (
    brand_key int generated always as identity primary key,
    title     text not null unique,
    vinted_id bigint
);

create table core.size (
    size_key  int generated always as identity primary key,
    title     text not null unique,
    vinted_id bigint
);

create table core.condition (
    condition_key int generated always as identity primary key,
    domain        text not null,
    title         text not null,
    vinted_id     bigint,
    unique (domain, title)
);

-- Catalog names are not in search results; the id is the whole of what is known.
create table core.catalog (
    catalog_id bigint primary key,
    first_seen date   not null
);

create table core.seller (
    domain     text   not null,
    seller_id  bigint not null,
    login      text,
    business   boolean,
    first_seen date   not null,
    last_seen  date   not null,
    primary key (domain, seller_id)
);

-- The current state of each listing; history lives in item_sighting and item_price_history.
create table core.item (
    domain           text   not null,
    item_id          bigint not null,
    title            text,
    price            numeric,
    currency         text,
    total_item_price numeric,
    service_fee      numeric,
    brand_key        int,
    size_key         int,
    condition_key    int,
    catalog_id       bigint,
    catalog_source   text,
    seller_id        bigint,
    photo_id         bigint,
    listed_at        timestamptz,
    url              text,
    is_visible       boolean,
    favourite_count  int,
    first_seen       date   not null,
    last_seen        date   not null,
    -- Set when the listing disappeared from its searches; cleared if it comes back.
    vanished_on      date,
    last_run_id      text   not null,
    primary key (domain, item_id)
);

create table core.photo (
    domain   text   not null,
    photo_id bigint not null,
    item_id  bigint not null,
    url      text,
    primary key (domain, photo_id)
);

-- Price observations: one row per listing per observed date, with the lineage of the observation chosen
-- to represent it (run_id + s3_key + item_index address one staging row and one raw S3 object).
create table core.item_sighting (
    observed_date    date    not null,
    domain           text    not null,
    item_id          bigint  not null,
    run_id           text    not null,
    price            numeric not null,
    currency         text    not null,
    previous_price   numeric,
    total_item_price numeric,
    favourite_count  int,
    s3_key           text    not null,
    item_index       int     not null,
    primary key (observed_date, domain, item_id)
);

-- Which search scopes ran in which run, and which listings each returned: what disappearance is judged on.
create table core.scope_run (
    run_id            text not null,
    domain            text not null,
    search_key        text not null,
    observed_date     date not null,
    complete          boolean not null,
    primary key (run_id, domain, search_key)
);
create index scope_run_scope_date on core.scope_run (domain, search_key, observed_date);

create table core.scope_sighting (
    observed_date date   not null,
    domain        text   not null,
    search_key    text   not null,
    item_id       bigint not null,
    primary key (observed_date, domain, search_key, item_id)
);

-- SCD type 2 of the price: a new version when price or currency changes; a version is closed (valid_to, exclusive)
-- by a change or by the listing's disappearance, so both are facts.
create table core.item_price_history (
    domain     text    not null,
    item_id    bigint  not null,
    valid_from date    not null,
    valid_to   date,
    price      numeric not null,
    currency   text    not null,
    run_id     text    not null,
    primary key (domain, item_id, valid_from)
);

-- A listing seen in a complete scope on the scope's previous run date and seen nowhere on its domain this date.
create table core.item_vanish (
    domain      text   not null,
    item_id     bigint not null,
    vanished_on date   not null,
    first_seen  date   not null,
    last_seen   date   not null,
    listed_at   timestamptz,
    last_price  numeric,
    currency    text,
    run_id      text   not null,
    primary key (domain, item_id, vanished_on)
);
create index item_vanish_date on core.item_vanish (vanished_on);
