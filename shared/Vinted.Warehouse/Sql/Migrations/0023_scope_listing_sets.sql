-- Issue 21: a scope's listings of a date become one row, their ids in one sorted array, instead of a row per listing.
-- The only reader is the exits' judgement (normalize_040), which takes a scope's previous run's listings whole; nothing
-- looks one listing up in them. A row per listing cost normalize a 1,000,000-row insert every day (the distinct sort,
-- the heap and the primary key: 2.9-4.1 s of a 1,000,000-listing day, on the one core a statement runs on), its month
-- partition's statistics every day and the parent's as the history grew. The same day as two arrays: 0.65-1.1 s, and
-- the exits' anti-join reads the unnested arrays as fast as it read the partition (0.87 against 0.90 s, 100,000 exits).
create table core.scope_listing_set (
    observed_date date     not null,
    domain        text     not null,
    search_key    text     not null,
    -- Distinct, ascending; promoted cards are not a scope's results and are left out.
    item_ids      bigint[] not null,
    primary key (observed_date, domain, search_key)
);
-- Stored as written: pglz took 0.4 s of a 1,000,000-listing day to save 5 MB. No element statistics: no plan filters on
-- the ids, and ANALYZE would walk every id of its sample.
alter table core.scope_listing_set alter column item_ids set storage external;
alter table core.scope_listing_set alter column item_ids set statistics 0;

insert into core.scope_listing_set (observed_date, domain, search_key, item_ids)
select observed_date, domain, search_key, array_agg(item_id order by item_id)
from core.scope_sighting
group by observed_date, domain, search_key;

drop table core.scope_sighting;

-- The history's month partitions and statistics (0007, 0019) are the listings' sightings' alone now.
create or replace function core.prepare_history_month(p_date date) returns void
language plpgsql as $$
declare
    first_day date := date_trunc('month', p_date)::date;
    partition text := 'item_sighting_' || to_char(p_date, 'YYYYMM');
begin
    if to_regclass(format('core.%I', partition)) is null then
        execute format('create table core.%I partition of core.item_sighting for values from (%L) to (%L)',
                       partition, first_day, (first_day + interval '1 month')::date);
    end if;
end
$$;

create or replace function core.analyze_history(p_date date) returns void
language plpgsql as $$
declare
    known   real;
    counted real;
begin
    execute format('analyze core.%I', 'item_sighting_' || to_char(p_date, 'YYYYMM'));
    -- reltuples: the parent's as of its last ANALYZE (-1 before the first), the partitions' as of theirs.
    select c.reltuples into known from pg_class c where c.oid = 'core.item_sighting'::regclass;
    select coalesce(sum(greatest(c.reltuples, 0)), 0) into counted
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'core.item_sighting'::regclass;
    if known <= 0 or counted > 1.1 * known then
        analyze core.item_sighting;
    end if;
end
$$;
