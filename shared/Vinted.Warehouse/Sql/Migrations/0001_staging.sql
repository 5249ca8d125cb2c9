-- Staging: the first structured form of the raw zone. One row per item observation per run (an item a page
-- lists twice, or that two searches both return, is two rows here and one listing downstream).
create schema if not exists staging;

-- What the loader read from the run's manifest: the expected counts the quality checks compare with.
create table staging.run (
    run_id            text        primary key,
    observed_date     date        not null,
    manifest_pages    int         not null,
    quarantined_pages int         not null,
    manifest_items    bigint      not null,
    staged_rows       bigint      not null,
    item_problems     int         not null,
    loaded_at         timestamptz not null
);

-- One row per (run, domain, search): a search scope. "complete" = none of its pages was quarantined, which is
-- what makes "seen yesterday, not today" mean a disappearance rather than a lost page.
create table staging.run_scope (
    run_id            text not null,
    domain            text not null,
    search_key        text not null,
    endpoint          text not null,
    pages             int  not null,
    quarantined_pages int  not null,
    items             bigint not null,
    primary key (run_id, domain, search_key)
);

-- Partitioned by run: a (re)load truncates exactly its own partition, so a retried activity replaces the run's
-- rows and never duplicates them, and old runs can be dropped as whole tables. No index: rows arrive by binary
-- COPY and are read by whole-partition scans; uniqueness of (s3_key, item_index) is a data-quality check.
create table staging.item_observation (
    run_id           text        not null,
    observed_date    date        not null,
    domain           text        not null,
    endpoint         text        not null,
    search_key       text        not null,
    s3_key           text        not null,
    page             int         not null,
    item_index       int         not null,
    fetched_at       timestamptz not null,
    item_id          bigint      not null,
    title            text,
    price            numeric,
    currency         text,
    total_item_price numeric,
    service_fee      numeric,
    brand_id         bigint,
    brand_title      text,
    size_id          bigint,
    size_title       text,
    condition_id     bigint,
    condition_title  text,
    catalog_id       bigint,
    -- 'item' when the item carried catalog_id, 'search' when taken from the search's single catalog filter.
    catalog_source   text,
    seller_id        bigint,
    seller_login     text,
    seller_business  boolean,
    photo_id         bigint,
    photo_url        text,
    listed_at        timestamptz,
    is_visible       boolean,
    favourite_count  int,
    view_count       int,
    url              text,
    raw              jsonb       not null
) partition by list (run_id);

-- Creates the run's partition, or empties it when the run is loaded again. The partition name is derived from
-- the run id (any text) so the caller passes the id as a parameter and never builds SQL from it.
create function staging.prepare_run(p_run_id text) returns text
language plpgsql as $$
declare
    part text := 'item_observation_' || md5(p_run_id);
begin
    if to_regclass(format('staging.%I', part)) is null then
        execute format('create table staging.%I partition of staging.item_observation for values in (%L)', part, p_run_id);
    else
        execute format('truncate table staging.%I', part);
    end if;
    return format('staging.%I', part);
end
$$;
