-- Current state of each listing seen in the run. A run of an older date never overwrites a newer state; a field
-- the observation lacks (null) never erases a value known before.
insert into core.item (
    domain, item_id, title, price, currency, total_item_price, service_fee, brand_key, size_key, condition_key,
    catalog_id, catalog_source, seller_id, photo_id, listed_at, url, is_visible, favourite_count,
    first_seen, last_seen, vanished_on, last_run_id)
select r.domain, r.item_id, r.title, r.price, r.currency, r.total_item_price, r.service_fee,
       r.brand_key, r.size_key, r.condition_key, r.catalog_id, r.catalog_source, r.seller_id, r.photo_id,
       r.listed_at, r.url, r.is_visible, r.favourite_count, @observed_date, @observed_date, null, @run_id
from run_item r
on conflict (domain, item_id) do update set
    title = coalesce(excluded.title, core.item.title),
    price = excluded.price,
    currency = excluded.currency,
    total_item_price = coalesce(excluded.total_item_price, core.item.total_item_price),
    service_fee = coalesce(excluded.service_fee, core.item.service_fee),
    brand_key = coalesce(excluded.brand_key, core.item.brand_key),
    size_key = coalesce(excluded.size_key, core.item.size_key),
    condition_key = coalesce(excluded.condition_key, core.item.condition_key),
    -- A catalog read from the item itself beats one inferred from a search filter.
    catalog_id = case when excluded.catalog_source = 'item' or core.item.catalog_source is distinct from 'item'
                      then coalesce(excluded.catalog_id, core.item.catalog_id) else core.item.catalog_id end,
    catalog_source = case when excluded.catalog_source = 'item' or core.item.catalog_source is distinct from 'item'
                          then coalesce(excluded.catalog_source, core.item.catalog_source) else core.item.catalog_source end,
    seller_id = coalesce(excluded.seller_id, core.item.seller_id),
    photo_id = coalesce(excluded.photo_id, core.item.photo_id),
    listed_at = coalesce(excluded.listed_at, core.item.listed_at),
    url = coalesce(excluded.url, core.item.url),
    is_visible = coalesce(excluded.is_visible, core.item.is_visible),
    favourite_count = coalesce(excluded.favourite_count, core.item.favourite_count),
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
on conflict (domain, photo_id) do update set item_id = excluded.item_id, url = excluded.url
where (core.photo.item_id, core.photo.url) is distinct from (excluded.item_id, excluded.url);

-- Price observations with the attributes of this day; an attribute the day's observation lacks is the last known one.
insert into core.item_sighting (
    observed_date, domain, item_id, run_id, price, currency, previous_price, total_item_price, favourite_count, s3_key, item_index,
    brand_key, size_key, condition_key, catalog_id, seller_id)
select @observed_date, r.domain, r.item_id, @run_id, r.price, r.currency, r.previous_price, r.total_item_price, r.favourite_count,
       r.s3_key, r.item_index, coalesce(r.brand_key, i.brand_key), coalesce(r.size_key, i.size_key),
       coalesce(r.condition_key, i.condition_key),
       case when r.catalog_source = 'item' then r.catalog_id else coalesce(i.catalog_id, r.catalog_id) end,
       coalesce(r.seller_id, i.seller_id)
from run_item r
join core.item i on i.domain = r.domain and i.item_id = r.item_id;

-- Scopes and their listings, for disappearance; whether a scope is complete was decided when it was staged.
insert into core.scope_sighting (observed_date, domain, search_key, item_id)
select distinct @observed_date, domain, search_key, item_id
from staging.item_observation
where run_id = @run_id;

insert into core.scope_run (run_id, domain, search_key, observed_date, complete)
select run_id, domain, search_key, @observed_date, complete
from staging.run_scope
where run_id = @run_id;

-- Statistics before disappearances are judged on these rows: without them the planner takes today's sightings for
-- one row and loops over them once per candidate (minutes on a day of 200,000 listings). ANALYZE samples a fixed
-- number of rows, so its cost does not grow with the history.
analyze core.item_sighting;
analyze core.scope_sighting;
analyze core.scope_run;
