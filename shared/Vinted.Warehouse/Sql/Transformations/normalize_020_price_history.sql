-- SCD2 of the price when the run's date is after every normalized date (the daily case): only the run's listings
-- whose price changed or that are new are touched. Any other date goes through normalize_060_rebuild_history, which
-- derives the same versions from the sightings, whatever the order the dates came in.

-- A changed price closes the open version ...
update core.item_price_history h
set valid_to = @observed_date
from run_item r
where h.domain = r.domain and h.item_id = r.item_id
  and h.valid_to is null
  and (h.price, h.currency) is distinct from (r.price, r.currency);

-- ... and a listing without an open version (new, changed, or back after vanishing) opens one.
insert into core.item_price_history (domain, item_id, valid_from, price, currency, run_id)
select r.domain, r.item_id, @observed_date, r.price, r.currency, @run_id
from run_item r
where not exists (
    select 1 from core.item_price_history h
    where h.domain = r.domain and h.item_id = r.item_id and h.valid_to is null);

-- The price before this date: the listing's last earlier price in the same currency. Kept beside run_item, not
-- written into it: an update of every run_item row rewrote the whole day's table (issue 21).
insert into run_previous_price (domain, item_id, price)
select distinct on (h.domain, h.item_id) h.domain, h.item_id, h.price
from core.item_price_history h
join run_item r on r.domain = h.domain and r.item_id = h.item_id
where h.valid_from < @observed_date and h.currency = r.currency
order by h.domain, h.item_id, h.valid_from desc;
analyze run_previous_price;
