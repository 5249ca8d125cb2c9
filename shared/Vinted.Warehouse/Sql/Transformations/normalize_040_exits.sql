-- Listings that left a scope on this date: seen in the scope's previous run, seen nowhere on their domain this date.
-- Only a complete scope (its whole result set fetched) proves the listing is gone: it vanished (sold or withdrawn).
-- A truncated scope (capped, cut short) only lost sight of it: it is out of view, not sold. Judged against the
-- scope's previous run whatever order the dates were normalized in: a date normalized late is judged again later.
with removed as (
    delete from core.item_vanish where vanished_on = @observed_date returning domain, item_id
)
insert into touched (domain, item_id)
select domain, item_id from removed
on conflict do nothing;

delete from core.item_out_of_view where out_of_view_on = @observed_date;

-- The judged date's listings, with statistics of their own: the date's partition has none for rows written in this
-- transaction, and the planner took them for one row and looped over them once per candidate (minutes on a day of
-- 200,000 listings). Copying one day costs the day's rows; analyzing the sighting partitions here cost more every day
-- of the month (issue 21). (Parameters cannot go into CREATE TABLE AS, hence the separate inserts.)
create temp table day_listing (domain text, item_id bigint) on commit drop;
insert into day_listing (domain, item_id)
select domain, item_id from core.item_sighting where observed_date = @observed_date;
analyze day_listing;

create temp table exit_candidate (domain text, item_id bigint, last_seen date, vanished boolean) on commit drop;
insert into exit_candidate (domain, item_id, last_seen, vanished)
with previous as (
    select t.domain, t.search_key, t.complete,
           (select max(p.observed_date) from core.scope_run p
            where p.domain = t.domain and p.search_key = t.search_key and p.observed_date < t.observed_date) as observed_date
    from core.scope_run t
    where t.observed_date = @observed_date
),
-- The previous runs' listing sets first, then their ids. The planner takes an unnested array for 10 ids (the ids keep no
-- statistics) and, left to itself, unnested every set of every date and anti-joined all of them before it picked the
-- previous runs' (10 dates of 12 scopes: 8.7-10.7 s, growing by the day; materialized first: 1.0 s; issue 21).
previous_listings as materialized (
    select p.domain, p.observed_date, p.complete, ls.item_ids
    from previous p
    join core.scope_listing_set ls on ls.observed_date = p.observed_date and ls.domain = p.domain and ls.search_key = p.search_key
)
select pl.domain, ss.item_id, max(pl.observed_date) as last_seen, bool_or(pl.complete) as vanished
from previous_listings pl
cross join lateral unnest(pl.item_ids) as ss(item_id)
where not exists (select 1 from day_listing d where d.domain = pl.domain and d.item_id = ss.item_id)
group by pl.domain, ss.item_id
-- In key order, so the probes below walk the attributes' and sightings' indexes page after page. In hash order each
-- probe read a random page; late in the 1,000,000-listing month (28 GB against 11 GB of page cache) the vanished
-- listings' insert took 7.6-28.6 s on seven days. Replayed on day 30 with cold caches, four times each: 4.7-15.0 s,
-- in key order 1.6-3.1 s; with warm caches both 1.3-1.7 s (issue 21).
order by pl.domain, ss.item_id;

-- The attributes alone (first_seen and listed_at live there): core.item would probe every vanished listing's state too.
insert into core.item_vanish (domain, item_id, vanished_on, first_seen, last_seen, listed_at, last_price, currency, run_id)
select c.domain, c.item_id, @observed_date, i.first_seen, c.last_seen, i.listed_at, s.price, s.currency, @run_id
from exit_candidate c
join core.item_attributes i on i.domain = c.domain and i.item_id = c.item_id
join core.item_sighting s on s.observed_date = c.last_seen and s.domain = c.domain and s.item_id = c.item_id
where c.vanished;

insert into core.item_out_of_view (domain, item_id, out_of_view_on, last_seen, last_price, currency, run_id)
select c.domain, c.item_id, @observed_date, c.last_seen, s.price, s.currency, @run_id
from exit_candidate c
join core.item_sighting s on s.observed_date = c.last_seen and s.domain = c.domain and s.item_id = c.item_id
where not c.vanished;

insert into touched (domain, item_id)
select domain, item_id from exit_candidate where vanished
on conflict do nothing;

drop table exit_candidate;
drop table day_listing;

insert into stale_day (observed_date) values (@observed_date) on conflict do nothing;
