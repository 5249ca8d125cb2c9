-- SCD2 of the price, touching only the run's listings. Runs of one scope are normalized in date order; a run
-- normalized again finds its own versions and changes nothing.

-- A changed price closes the open version that began before this date ...
update core.item_price_history h
set valid_to = @observed_date
from run_item r
where h.domain = r.domain and h.item_id = r.item_id
  and h.valid_to is null and h.valid_from < @observed_date
  and (h.price, h.currency) is distinct from (r.price, r.currency);

-- ... a version opened on this date by an earlier load of the same date takes the new value in place ...
update core.item_price_history h
set price = r.price, currency = r.currency, run_id = @run_id
from run_item r
where h.domain = r.domain and h.item_id = r.item_id
  and h.valid_to is null and h.valid_from = @observed_date
  and (h.price, h.currency) is distinct from (r.price, r.currency);

-- ... and a listing without an open version (new, changed, or back after vanishing) opens one.
insert into core.item_price_history (domain, item_id, valid_from, price, currency, run_id)
select r.domain, r.item_id, @observed_date, r.price, r.currency, @run_id
from run_item r
where not exists (
    select 1 from core.item_price_history h
    where h.domain = r.domain and h.item_id = r.item_id
      and (h.valid_to is null or h.valid_from >= @observed_date));

-- The price before this date: the last version that began earlier (same price when nothing changed).
update run_item r
set previous_price = p.price
from (
    select distinct on (h.domain, h.item_id) h.domain, h.item_id, h.price
    from core.item_price_history h
    join run_item r2 on r2.domain = h.domain and r2.item_id = h.item_id
    where h.valid_from < @observed_date and h.currency = r2.currency
    order by h.domain, h.item_id, h.valid_from desc
) p
where p.domain = r.domain and p.item_id = r.item_id;
