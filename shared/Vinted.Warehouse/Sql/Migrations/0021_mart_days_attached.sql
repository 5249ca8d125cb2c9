-- A mart build's features are computed beside its transaction and become the day's partition without being copied
-- (issue 21). They are read from the committed normalized model (Transformations/mart_005_feature_build.sql) on a
-- connection of their own while the build's transaction writes the dimensions, facts and aggregates: PostgreSQL runs a
-- statement on one core, and the build's statements one after another left the other idle. Copied into the partition
-- inside the transaction, a 1,000,000-listing day's features took 3.3 s there; attached, nothing measurable.

-- A day's partitions are written the same way, facts and features: into a table of the partitioned table's shape
-- (mart.<table>_build), keyed once the rows are in (a key built over written rows is cheaper than one maintained row by
-- row: a 1,000,000-listing day's facts 2.2-2.5 s written plus 0.7-0.9 s keyed, against 4.3-4.5 s into the keyed
-- partition), checked against the day's bounds (so that attaching need not scan them), then attached as the day's
-- partition under the name and key a partition of the day always had; the partition a rebuilt day had is dropped.
-- Both tables are keyed by (snapshot_date, domain, item_id).

-- An empty table to write a day's rows of mart.<p_table> into; what a stopped computation left is dropped.
create function mart.open_build(p_table text) returns void
language plpgsql as $$
begin
    execute format('drop table if exists mart.%I', p_table || '_build');
    execute format('create table mart.%I (like mart.%I including defaults)', p_table || '_build', p_table);
end
$$;

-- The day's rows keyed, checked against the day's bounds and named for their day. A sealed table of the same day that
-- a stopped build left is dropped first.
create function mart.seal_build(p_table text, p_date date) returns void
language plpgsql as $$
declare
    sealed text := p_table || '_build_' || to_char(p_date, 'YYYYMMDD');
begin
    execute format('drop table if exists mart.%I', sealed);
    execute format('alter table mart.%I add constraint %I check (snapshot_date >= %L and snapshot_date < %L)',
                   p_table || '_build', sealed || '_day', p_date, p_date + 1);
    execute format('alter table mart.%I add constraint %I primary key (snapshot_date, domain, item_id)', p_table || '_build', sealed || '_pkey');
    execute format('alter table mart.%I rename to %I', p_table || '_build', sealed);
end
$$;

-- In the build's transaction: the day's sealed rows become its partition of mart.<p_table>.
create function mart.attach_build(p_table text, p_date date) returns void
language plpgsql as $$
declare
    part text := p_table || '_' || to_char(p_date, 'YYYYMMDD');
    sealed text := p_table || '_build_' || to_char(p_date, 'YYYYMMDD');
begin
    execute format('drop table if exists mart.%I', part);
    execute format('alter table mart.%I rename to %I', sealed, part);
    execute format('alter index mart.%I rename to %I', sealed || '_pkey', part || '_pkey');
    execute format('alter table mart.%I attach partition mart.%I for values from (%L) to (%L)', p_table, part, p_date, p_date + 1);
    execute format('alter table mart.%I drop constraint %I', part, sealed || '_day');
end
$$;

-- The day's facts are now written into mart.fact_listing_daily_build (mart_020_facts.sql), and its features partition
-- is attached by the build: this makes the facts' table to write into.
create or replace function mart.prepare_day(p_date date) returns text
language plpgsql as $$
begin
    perform mart.open_build('fact_listing_daily');
    return 'mart.fact_listing_daily_build';
end
$$;
