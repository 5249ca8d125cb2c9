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

-- The price before this date: the listing's last earlier price in the same currency (normalize_060 says the same of
-- the sightings with lag over the currency). Here every state predates the date and holds the price last seen, the
-- price of the listing's latest version, so the states answer for all but a listing whose currency changed, which
-- looks further back in its versions. Picking each listing's latest version with DISTINCT ON over its whole history
-- took 2.9-3.5 s of a 1,000,000-listing day and grew with the month; the states 1.7 s (issue 21). This runs before
-- normalize_030 moves the states to this date.
insert into run_previous_price (domain, item_id, price)
select p.domain, p.item_id, p.price
from (
    select r.domain, r.item_id,
           case when s.currency = r.currency then s.price
                else (select h.price
                      from core.item_price_history h
                      where h.domain = r.domain and h.item_id = r.item_id
                        and h.valid_from < @observed_date and h.currency = r.currency
                      order by h.valid_from desc
                      limit 1) end as price
    from run_item r
    join core.item_state s on s.domain = r.domain and s.item_id = r.item_id
) p
where p.price is not null;
analyze run_previous_price;
