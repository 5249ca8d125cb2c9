-- A mart build's facts are computed beside its transaction too, as its features are since 0021 (issue 21): the insert of
-- a 1,000,000-listing day's facts was 4.6-5.1 s of the transaction's 8.4-8.6, on one core, while the features took the
-- other. Each is written into a table of its own (mart.<parent>_build, outside the partitioned table), then analyzed,
-- checked against the day's bounds, keyed and named for its day (mart.<parent>_build_YYYYMMDD); the build's transaction
-- attaches it as the day's partition, index, statistics and all, in place of the partition a rebuilt day had. The
-- functions below are the features' of 0021 made to serve either partitioned table.

drop function mart.open_feature_build();
drop function mart.seal_feature_build(date);
drop function mart.attach_features(date);
-- The facts' partition is analyzed in its build now (Transformations/mart_006_fact_build.sql).
drop function mart.analyze_day(date);
-- What a stopped build of the features left, under 0021's names.
drop table if exists mart.feature_build;
do $$
declare
    leftover text;
begin
    for leftover in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname = 'mart' and c.relkind = 'r' and c.relname ~ '^feature_build_[0-9]{8}$' loop
        execute format('drop table mart.%I', leftover);
    end loop;
end
$$;

-- The partitioned tables a build fills a day of, and nothing else: the names below are made from it.
create function mart.day_build_parent(p_parent text) returns text
language plpgsql immutable as $$
begin
    if p_parent not in ('fact_listing_daily', 'fact_listing_features') then
        raise exception 'mart has no day build for %', p_parent;
    end if;
    return p_parent;
end
$$;

-- An empty table to write a day of p_parent into; what a stopped computation left is dropped.
create function mart.open_day_build(p_parent text) returns void
language plpgsql as $$
declare
    build text := mart.day_build_parent(p_parent) || '_build';
begin
    execute format('drop table if exists mart.%I', build);
    execute format('create table mart.%I (like mart.%I including defaults)', build, p_parent);
end
$$;

-- The day's rows checked against the day's bounds (so that attaching them need not scan them), keyed and named for
-- their day. A sealed table of the same day that a stopped build left is dropped first.
create function mart.seal_day_build(p_parent text, p_date date) returns void
language plpgsql as $$
declare
    build text := mart.day_build_parent(p_parent) || '_build';
    sealed text := build || '_' || to_char(p_date, 'YYYYMMDD');
begin
    execute format('drop table if exists mart.%I', sealed);
    execute format('alter table mart.%I add constraint %I check (snapshot_date >= %L and snapshot_date < %L)',
                   build, sealed || '_day', p_date, p_date + 1);
    execute format('alter table mart.%I add constraint %I primary key (snapshot_date, domain, item_id)', build, sealed || '_pkey');
    execute format('alter table mart.%I rename to %I', build, sealed);
end
$$;

-- In the build's transaction: the day's sealed rows become its partition of p_parent, under the name and key a
-- partition made by prepare_day has; the partition a rebuilt day had is dropped.
create function mart.attach_day_build(p_parent text, p_date date) returns void
language plpgsql as $$
declare
    part text := mart.day_build_parent(p_parent) || '_' || to_char(p_date, 'YYYYMMDD');
    sealed text := p_parent || '_build_' || to_char(p_date, 'YYYYMMDD');
begin
    execute format('drop table if exists mart.%I', part);
    execute format('alter table mart.%I rename to %I', sealed, part);
    execute format('alter index mart.%I rename to %I', sealed || '_pkey', part || '_pkey');
    execute format('alter table mart.%I attach partition mart.%I for values from (%L) to (%L)', p_parent, part, p_date, p_date + 1);
    execute format('alter table mart.%I drop constraint %I', part, sealed || '_day');
end
$$;

-- After a build that did not commit (a failed check): the day's sealed tables it never attached, so they do not wait
-- for the day's next build to be dropped.
create function mart.discard_day_builds(p_date date) returns void
language plpgsql as $$
begin
    execute format('drop table if exists mart.%I, mart.%I',
                   'fact_listing_daily_build_' || to_char(p_date, 'YYYYMMDD'), 'fact_listing_features_build_' || to_char(p_date, 'YYYYMMDD'));
end
$$;
