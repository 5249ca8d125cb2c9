-- A date normalized before or among dates already normalized (a backfill, a date run again, a second run of a date):
-- for every listing whose sightings or disappearances changed, its price history, previous prices and current state
-- are derived again from all of its sightings and disappearances. The versions equal those the daily case builds
-- step by step: a version starts at a listing's first sighting, at a price or currency change, and at a return after
-- a disappearance; it ends where the next one starts or at the disappearance.
insert into touched (domain, item_id)
select domain, item_id from run_item
on conflict do nothing;
analyze touched;

delete from core.item_price_history h
using touched t
where h.domain = t.domain and h.item_id = t.item_id;

with sighting as (
    select s.domain, s.item_id, s.observed_date, s.price, s.currency, s.run_id,
           lag(s.observed_date) over w as prev_date, lag(s.price) over w as prev_price, lag(s.currency) over w as prev_currency
    from core.item_sighting s
    join touched t on t.domain = s.domain and t.item_id = s.item_id
    window w as (partition by s.domain, s.item_id order by s.observed_date)
),
marked as (
    select s.*,
           (s.prev_date is null
            or (s.price, s.currency) is distinct from (s.prev_price, s.prev_currency)
            or exists (select 1 from core.item_vanish v
                       where v.domain = s.domain and v.item_id = s.item_id
                         and v.vanished_on > s.prev_date and v.vanished_on <= s.observed_date)) as starts
    from sighting s
),
numbered as (
    select m.*, count(*) filter (where m.starts) over (partition by m.domain, m.item_id order by m.observed_date) as version
    from marked m
),
version as (
    select domain, item_id, version, min(observed_date) as valid_from, max(observed_date) as last_date,
           (array_agg(price order by observed_date))[1] as price,
           (array_agg(currency order by observed_date))[1] as currency,
           (array_agg(run_id order by observed_date))[1] as run_id
    from numbered
    group by domain, item_id, version
),
bounded as (
    select v.*, lead(v.valid_from) over (partition by v.domain, v.item_id order by v.valid_from) as next_from
    from version v
)
insert into core.item_price_history (domain, item_id, valid_from, valid_to, price, currency, run_id)
select b.domain, b.item_id, b.valid_from,
       coalesce((select min(v.vanished_on) from core.item_vanish v
                 where v.domain = b.domain and v.item_id = b.item_id
                   and v.vanished_on > b.last_date and (b.next_from is null or v.vanished_on <= b.next_from)),
                b.next_from),
       b.price, b.currency, b.run_id
from bounded b;

-- Previous price of each sighting: the listing's last earlier price in the same currency.
with changed as (
    update core.item_sighting s
    set previous_price = p.previous_price
    from (
        select s.observed_date, s.domain, s.item_id,
               lag(s.price) over (partition by s.domain, s.item_id, s.currency order by s.observed_date) as previous_price
        from core.item_sighting s
        join touched t on t.domain = s.domain and t.item_id = s.item_id
    ) p
    where p.observed_date = s.observed_date and p.domain = s.domain and p.item_id = s.item_id
      and p.previous_price is distinct from s.previous_price
    returning s.observed_date
)
insert into stale_day (observed_date)
select distinct observed_date from changed
on conflict do nothing;

-- Current state: first and last sighting, the last sighting's price, a disappearance after it.
create temp table rebuilt on commit drop as
select s.domain, s.item_id, min(s.observed_date) as first_seen, max(s.observed_date) as last_seen,
       (array_agg(s.price order by s.observed_date desc))[1] as price,
       (array_agg(s.currency order by s.observed_date desc))[1] as currency,
       (array_agg(s.run_id order by s.observed_date desc))[1] as run_id
from core.item_sighting s
join touched t on t.domain = s.domain and t.item_id = s.item_id
group by s.domain, s.item_id;

update core.item_attributes i
set first_seen = a.first_seen
from rebuilt a
where a.domain = i.domain and a.item_id = i.item_id and a.first_seen is distinct from i.first_seen;

update core.item_state i
set last_seen = a.last_seen, price = a.price, currency = a.currency, last_run_id = a.run_id,
    vanished_on = (select max(v.vanished_on) from core.item_vanish v
                   where v.domain = i.domain and v.item_id = i.item_id and v.vanished_on > a.last_seen)
from rebuilt a
where a.domain = i.domain and a.item_id = i.item_id;

-- A listing only a superseded run had seen is no longer known.
delete from core.item_state i
using touched t
where t.domain = i.domain and t.item_id = i.item_id
  and not exists (select 1 from core.item_sighting s where s.domain = i.domain and s.item_id = i.item_id);

-- Its photos go with it: a listing seen again later starts from its one photo (normalize_030), and a photo kept here
-- would belong to no listing, or be counted twice once the listing is back.
with gone as (
    delete from core.item_attributes i
    using touched t
    where t.domain = i.domain and t.item_id = i.item_id
      and not exists (select 1 from core.item_sighting s where s.domain = i.domain and s.item_id = i.item_id)
    returning i.domain, i.item_id
)
delete from core.photo p
using gone g
where p.domain = g.domain and p.item_id = g.item_id;

-- A listing now first seen later (only a superseded run had seen it earlier) is new on that later date.
insert into stale_day (observed_date)
select distinct i.first_seen
from core.item i
join touched t on t.domain = i.domain and t.item_id = i.item_id
where i.first_seen > @observed_date
on conflict do nothing;

-- Disappearances keep the listing's first sighting, which a late date may have moved.
with changed as (
    update core.item_vanish v
    set first_seen = i.first_seen
    from core.item i
    join touched t on t.domain = i.domain and t.item_id = i.item_id
    where v.domain = i.domain and v.item_id = i.item_id and v.first_seen <> i.first_seen
    returning v.vanished_on
)
insert into stale_day (observed_date)
select distinct vanished_on from changed
on conflict do nothing;

-- The later days whose facts changed are rebuilt by the next mart build.
update core.observed_day
set mart_stale = true
where observed_date > @observed_date and not mart_stale
  and observed_date in (select observed_date from stale_day);
