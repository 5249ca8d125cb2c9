-- The history tables that grow by every listing seen every day (a sighting per listing, a scope sighting per listing
-- and search) become partitioned by month of the observed date: a day's supersede, insert and statistics touch one
-- month's tables and indexes, and old months can be detached or dropped whole instead of deleted row by row.
-- Monthly, not daily: the steps that rebuild a listing's history read all its months, and a plan over thousands of
-- daily partitions costs more than the rows it reads. item_price_history stays one table: it grows by price changes
-- (well under 1 % of listings a day), not by sightings.

-- Creates the month's partition of both tables when it is missing; normalize calls it for the date it writes.
create function core.prepare_history_month(p_date date) returns void
language plpgsql as $$
declare
    first_day date := date_trunc('month', p_date)::date;
    suffix    text := to_char(p_date, 'YYYYMM');
    parent    text;
begin
    foreach parent in array array['item_sighting', 'scope_sighting'] loop
        if to_regclass(format('core.%I', parent || '_' || suffix)) is null then
            execute format('create table core.%I partition of core.%I for values from (%L) to (%L)',
                           parent || '_' || suffix, parent, first_day, (first_day + interval '1 month')::date);
        end if;
    end loop;
end
$$;

alter table core.item_sighting rename to item_sighting_unpartitioned;
alter index core.item_sighting_pkey rename to item_sighting_unpartitioned_pkey;
alter index core.item_sighting_listing rename to item_sighting_unpartitioned_listing;
alter table core.scope_sighting rename to scope_sighting_unpartitioned;
alter index core.scope_sighting_pkey rename to scope_sighting_unpartitioned_pkey;

create table core.item_sighting (like core.item_sighting_unpartitioned including defaults) partition by range (observed_date);
alter table core.item_sighting add primary key (observed_date, domain, item_id);
create index item_sighting_listing on core.item_sighting (domain, item_id, observed_date);

create table core.scope_sighting (like core.scope_sighting_unpartitioned including defaults) partition by range (observed_date);
alter table core.scope_sighting add primary key (observed_date, domain, search_key, item_id);

select core.prepare_history_month(month)
from (select observed_date as month from core.item_sighting_unpartitioned
      union
      select observed_date from core.scope_sighting_unpartitioned) dates;

insert into core.item_sighting select * from core.item_sighting_unpartitioned;
insert into core.scope_sighting select * from core.scope_sighting_unpartitioned;

drop table core.item_sighting_unpartitioned;
drop table core.scope_sighting_unpartitioned;
