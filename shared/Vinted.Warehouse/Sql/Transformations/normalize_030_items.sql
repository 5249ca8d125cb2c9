-- Current state of each listing seen in the run. A run of an older date (a backfill, or a date normalized again
-- after later ones) never overwrites a newer state; it can only move first_seen earlier.
insert into core.item (
    domain, item_id, title, price, currency, total_item_price, service_fee, brand_key, size_key, condition_key,
    catalog_id, catalog_source, seller_id, photo_id, listed_at, url, is_visible, favourite_count,
    first_seen, last_seen, vanished_on, last_run_id)
select r.domain, r.item_id, r.title, r.price, r.currency, r.total_item_price, r.service_fee,
       b.brand_key, s.size_key, c.condition_key, r.catalog_id, r.catalog_source, r.seller_id, r.photo_id,
       r.listed_at, r.url, r.is_visible, r.favourite_count, @observed_date, @observed_date, null, @run_id
from run_item r
left join core.brand b on b.title = r.brand_title
left join core.size s on s.title = r.size_title
left join core.condition c on c.domain = r.domain and c.title = r.condition_title
on conflict (domain, item_id) do update set
    title = excluded.title,
    price = excluded.price,
    currency = excluded.currency,
    total_item_price = excluded.total_item_price,
    service_fee = excluded.service_fee,
    brand_key = excluded.brand_key,
    size_key = excluded.size_key,
    condition_key = excluded.condition_key,
    -- A catalog read from the item itself beats one inferred from a search filter.
    catalog_id = case when excluded.catalog_source = 'item' or core.item.catalog_source is distinct from 'item'
                      then coalesce(excluded.catalog_id, core.item.catalog_id) else core.item.catalog_id end,
    catalog_source = case when excluded.catalog_source = 'item' or core.item.catalog_source is distinct from 'item'
                          then coalesce(excluded.catalog_source, core.item.catalog_source) else core.item.catalog_source end,
    seller_id = excluded.seller_id,
    photo_id = excluded.photo_id,
    listed_at = excluded.listed_at,
    url = excluded.url,
    is_visible = excluded.is_visible,
    favourite_count = excluded.favourite_count,
    first_seen = least(core.item.first_seen, excluded.first_seen),
    last_seen = excluded.last_seen,
    vanished_on = case when core.item.vanished_on <= excluded.last_seen then null else core.item.vanished_on end,
    last_run_id = excluded.last_run_id
where core.item.last_seen <= excluded.last_seen;

update core.item i
set first_seen = @observed_date
from run_item r
where i.domain = r.domain and i.item_id = r.item_id and i.first_seen > @observed_date;

insert into core.photo (domain, photo_id, item_id, url)
select domain, photo_id, item_id, photo_url from run_item where photo_id is not null
on conflict (domain, photo_id) do update set item_id = excluded.item_id, url = excluded.url;

-- Price observations: this run's rows are replaced, another run of the same date is merged into.
delete from core.item_sighting where observed_date = @observed_date and run_id = @run_id;
insert into core.item_sighting (
    observed_date, domain, item_id, run_id, price, currency, previous_price, total_item_price, favourite_count, s3_key, item_index)
select @observed_date, domain, item_id, @run_id, price, currency, previous_price, total_item_price, favourite_count, s3_key, item_index
from run_item
on conflict (observed_date, domain, item_id) do update set
    run_id = excluded.run_id, price = excluded.price, currency = excluded.currency,
    previous_price = excluded.previous_price, total_item_price = excluded.total_item_price,
    favourite_count = excluded.favourite_count, s3_key = excluded.s3_key, item_index = excluded.item_index;

-- Scopes and their listings, for disappearance.
delete from core.scope_sighting ss
using staging.run_scope rs
where rs.run_id = @run_id and ss.observed_date = @observed_date and ss.domain = rs.domain and ss.search_key = rs.search_key;
insert into core.scope_sighting (observed_date, domain, search_key, item_id)
select distinct @observed_date, domain, search_key, item_id
from staging.item_observation
where run_id = @run_id;

delete from core.scope_run where run_id = @run_id;
insert into core.scope_run (run_id, domain, search_key, observed_date, complete)
select run_id, domain, search_key, @observed_date, quarantined_pages = 0
from staging.run_scope
where run_id = @run_id;
