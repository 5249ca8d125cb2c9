-- A date before or among normalized dates: a listing of the run first seen on a later date is now first seen on
-- this one, so that later date's facts no longer count it as new and its mart must be rebuilt.
insert into stale_day (observed_date)
select distinct i.first_seen
from run_item r
join core.item i on i.domain = r.domain and i.item_id = r.item_id
where i.first_seen > @observed_date
on conflict do nothing;

-- Only a date before or among normalized dates can move a first sighting earlier; the daily case (after every date)
-- would scan every listing's attributes here for none.
update core.item_attributes a
set first_seen = @observed_date
from run_item r
where a.domain = r.domain and a.item_id = r.item_id and a.first_seen > @observed_date;
