-- One run holds a date: a second run of the date supersedes the first. The date's rows (of any run) are removed here
-- and the run's are written by the scripts after; what the removed rows said about a listing is rebuilt for it.
create temp table touched (domain text not null, item_id bigint not null, primary key (domain, item_id)) on commit drop;
-- Later days whose mart this normalization changes (disappearances judged again, previous prices, first sightings).
create temp table stale_day (observed_date date primary key) on commit drop;

insert into touched (domain, item_id)
select domain, item_id from core.item_sighting where observed_date = @observed_date
union
select domain, item_id from core.item_vanish where vanished_on = @observed_date;

-- The date's month partition of the sightings, created the first time a date of that month arrives.
select core.prepare_history_month(@observed_date);

delete from core.item_sighting where observed_date = @observed_date;
delete from core.scope_listing_set where observed_date = @observed_date;
delete from core.scope_run where observed_date = @observed_date;

-- This day's mart is stale when another run held it; the same run normalized again leaves it as it was (its mart
-- step follows). Later days are marked by normalize_060 when, and only when, something they show changed.
insert into core.observed_day (observed_date, run_id, mart_stale)
values (@observed_date, @run_id, true)
on conflict (observed_date) do update set
    run_id = excluded.run_id,
    mart_stale = core.observed_day.mart_stale or core.observed_day.run_id <> excluded.run_id
where core.observed_day.run_id <> excluded.run_id;
