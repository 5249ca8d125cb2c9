-- For every search scope, its first run after the date, with the run holding that date: the later dates whose
-- disappearances a late date changes.
select d.run_id, d.observed_date
from core.observed_day d
where d.observed_date in (
    select (select min(p.observed_date) from core.scope_run p
            where p.domain = s.domain and p.search_key = s.search_key and p.observed_date > @observed_date)
    from (select distinct domain, search_key from core.scope_run) s)
order by d.observed_date;
