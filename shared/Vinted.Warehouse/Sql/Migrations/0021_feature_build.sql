-- A mart build's features become the day's partition without being copied (issue 21). They are read from the committed
-- normalized model (Transformations/mart_005_feature_build.sql) on a connection of their own while the build's
-- transaction writes the dimensions, facts and aggregates: PostgreSQL runs a statement on one core, and the build's
-- statements one after another left the other idle. They are written into mart.feature_build, a table of the features'
-- shape outside the partitioned table, which is then keyed, checked against the day's bounds and named for its day; the
-- build's transaction attaches it as the day's partition, index and all. Copied into the partition inside the
-- transaction instead, a 1,000,000-listing day's features took 3.3 s there.

-- A day's features partition is no longer made here: the build attaches the one computed for the day.
create or replace function mart.prepare_day(p_date date) returns text
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

-- An empty table to write a day's features into; what a stopped computation left is dropped.
create function mart.open_feature_build() returns void
language plpgsql as $$
begin
    drop table if exists mart.feature_build;
    create table mart.feature_build (like mart.fact_listing_features including defaults);
end
$$;

-- The day's features keyed, checked against the day's bounds (so that attaching them need not scan them) and named for
-- their day. A sealed table of the same day that a stopped build left is dropped first.
create function mart.seal_feature_build(p_date date) returns void
language plpgsql as $$
declare
    sealed text := 'feature_build_' || to_char(p_date, 'YYYYMMDD');
begin
    execute format('drop table if exists mart.%I', sealed);
    execute format('alter table mart.feature_build add constraint %I check (snapshot_date >= %L and snapshot_date < %L)',
                   sealed || '_day', p_date, p_date + 1);
    execute format('alter table mart.feature_build add constraint %I primary key (snapshot_date, domain, item_id)', sealed || '_pkey');
    execute format('alter table mart.feature_build rename to %I', sealed);
end
$$;

-- In the build's transaction: the day's sealed features become its partition, under the name and key a partition made
-- by prepare_day had; the partition a rebuilt day had is dropped.
create function mart.attach_features(p_date date) returns void
language plpgsql as $$
declare
    features text := 'fact_listing_features_' || to_char(p_date, 'YYYYMMDD');
    sealed text := 'feature_build_' || to_char(p_date, 'YYYYMMDD');
begin
    execute format('drop table if exists mart.%I', features);
    execute format('alter table mart.%I rename to %I', sealed, features);
    execute format('alter index mart.%I rename to %I', sealed || '_pkey', features || '_pkey');
    execute format('alter table mart.fact_listing_features attach partition mart.%I for values from (%L) to (%L)', features, p_date, p_date + 1);
    execute format('alter table mart.%I drop constraint %I', features, sealed || '_day');
end
$$;
