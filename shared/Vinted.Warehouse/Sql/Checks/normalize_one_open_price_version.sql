-- SCD2 key integrity: a listing has at most one open price version, and versions never overlap.
-- The date's sightings, not the run's: they are the same rows, and why run_id is left out is in Counts/normalize.sql.
-- Grouped in key order: both sides are read in (domain, item_id) order and merge-joined, so the groups arrive one after
-- another. Hashing a group for every listing of the day took 2.8 s on a 1,000,000-listing day, the ordered plan 1.4 s
-- (issue 21); the planner picks the hash unless told. Once the month's history has grown (day 9 of the 1,000,000-listing
-- month) it prefers a million index probes of the versions, one per listing, to the merge, at nearly the same estimate:
-- 3.8-5.0 s against 1.0-1.2 s on the days before; told again.
set local enable_hashagg = off;
set local enable_nestloop = off;
select count(*) as observed, 0 as expected, 'run listings with more than one open or overlapping price version' as details
from (
    select h.domain, h.item_id
    from core.item_price_history h
    join core.item_sighting s on s.domain = h.domain and s.item_id = h.item_id
    where s.observed_date = @observed_date
    group by h.domain, h.item_id
    having count(*) filter (where h.valid_to is null) > 1
        or bool_or(h.valid_to is not null and h.valid_to <= h.valid_from)
) bad;
reset enable_hashagg;
reset enable_nestloop;
