-- Disappearance: a listing seen in a complete scope on that scope's previous complete run date, when the scope
-- ran completely again on this date and the listing is seen nowhere on its domain this date.
delete from core.item_vanish where vanished_on = @observed_date and run_id = @run_id;

with scopes as (
    select domain, search_key from core.scope_run where run_id = @run_id and complete
),
previous as (
    select s.domain, s.search_key, max(sr.observed_date) as observed_date
    from scopes s
    join core.scope_run sr on sr.domain = s.domain and sr.search_key = s.search_key
    where sr.complete and sr.observed_date < @observed_date
    group by s.domain, s.search_key
),
candidates as (
    select distinct ss.domain, ss.item_id
    from previous p
    join core.scope_sighting ss on ss.observed_date = p.observed_date and ss.domain = p.domain and ss.search_key = p.search_key
)
insert into core.item_vanish (domain, item_id, vanished_on, first_seen, last_seen, listed_at, last_price, currency, run_id)
select c.domain, c.item_id, @observed_date, i.first_seen, i.last_seen, i.listed_at, i.price, i.currency, @run_id
from candidates c
join core.item i on i.domain = c.domain and i.item_id = c.item_id
where i.last_seen < @observed_date
  and not exists (
      select 1 from core.item_sighting s
      where s.observed_date = @observed_date and s.domain = c.domain and s.item_id = c.item_id)
on conflict (domain, item_id, vanished_on) do update set run_id = excluded.run_id;

update core.item i
set vanished_on = @observed_date
from core.item_vanish v
where v.vanished_on = @observed_date and v.run_id = @run_id
  and i.domain = v.domain and i.item_id = v.item_id and i.last_seen < @observed_date;

-- The disappearance ends the open price version: the history shows when the listing stopped being offered.
update core.item_price_history h
set valid_to = @observed_date
from core.item_vanish v
where v.vanished_on = @observed_date and v.run_id = @run_id
  and h.domain = v.domain and h.item_id = v.item_id and h.valid_to is null and h.valid_from < @observed_date;
