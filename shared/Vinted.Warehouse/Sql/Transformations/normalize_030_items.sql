-- Each listing seen in the run: its attributes (the wide row, written only when one changes) and its state (the
-- narrow row every run updates: last seen, price, favourites). A run of an older date never overwrites a newer state
-- or newer attributes; a field the observation lacks (null) never erases a value known before.
with proposed as (
    select r.domain, r.item_id,
           coalesce(r.title, a.title) as title,
           coalesce(r.brand_key, a.brand_key) as brand_key,
           coalesce(r.size_key, a.size_key) as size_key,
           coalesce(r.condition_key, a.condition_key) as condition_key,
           -- A catalog read from the item itself beats one inferred from a search filter.
           case when r.catalog_source = 'item' or a.catalog_source is distinct from 'item'
                then coalesce(r.catalog_id, a.catalog_id) else a.catalog_id end as catalog_id,
           case when r.catalog_source = 'item' or a.catalog_source is distinct from 'item'
                then coalesce(r.catalog_source, a.catalog_source) else a.catalog_source end as catalog_source,
           coalesce(r.seller_id, a.seller_id) as seller_id,
           coalesce(r.photo_id, a.photo_id) as photo_id,
           coalesce(r.listed_at, a.listed_at) as listed_at,
           coalesce(r.url, a.url) as url
    from run_item r
    join core.item_attributes a on a.domain = r.domain and a.item_id = r.item_id
    join core.item_state s on s.domain = r.domain and s.item_id = r.item_id
    where s.last_seen <= @observed_date
)
update core.item_attributes a
set title = p.title, brand_key = p.brand_key, size_key = p.size_key, condition_key = p.condition_key,
    catalog_id = p.catalog_id, catalog_source = p.catalog_source, seller_id = p.seller_id, photo_id = p.photo_id,
    listed_at = p.listed_at, url = p.url
from proposed p
where a.domain = p.domain and a.item_id = p.item_id
  and (a.title, a.brand_key, a.size_key, a.condition_key, a.catalog_id, a.catalog_source, a.seller_id, a.photo_id, a.listed_at, a.url)
      is distinct from
      (p.title, p.brand_key, p.size_key, p.condition_key, p.catalog_id, p.catalog_source, p.seller_id, p.photo_id, p.listed_at, p.url);

insert into core.item_attributes (
    domain, item_id, title, brand_key, size_key, condition_key, catalog_id, catalog_source, seller_id, photo_id,
    listed_at, url, first_seen)
select r.domain, r.item_id, r.title, r.brand_key, r.size_key, r.condition_key, r.catalog_id, r.catalog_source,
       r.seller_id, r.photo_id, r.listed_at, r.url, @observed_date
from run_item r
on conflict (domain, item_id) do nothing;

update core.item_attributes a
set first_seen = @observed_date
from run_item r
where a.domain = r.domain and a.item_id = r.item_id and a.first_seen > @observed_date;

insert into core.item_state (
    domain, item_id, price, currency, total_item_price, service_fee, is_visible, favourite_count, last_seen, vanished_on, last_run_id)
select r.domain, r.item_id, r.price, r.currency, r.total_item_price, r.service_fee, r.is_visible, r.favourite_count,
       @observed_date, null, @run_id
from run_item r
on conflict (domain, item_id) do update set
    price = excluded.price,
    currency = excluded.currency,
    total_item_price = coalesce(excluded.total_item_price, core.item_state.total_item_price),
    service_fee = coalesce(excluded.service_fee, core.item_state.service_fee),
    is_visible = coalesce(excluded.is_visible, core.item_state.is_visible),
    favourite_count = coalesce(excluded.favourite_count, core.item_state.favourite_count),
    last_seen = excluded.last_seen,
    vanished_on = case when core.item_state.vanished_on <= excluded.last_seen then null else core.item_state.vanished_on end,
    last_run_id = excluded.last_run_id
where core.item_state.last_seen <= excluded.last_seen;

insert into core.photo (domain, photo_id, item_id, url)
select domain, photo_id, item_id, photo_url from run_item where photo_id is not null
on conflict (domain, photo_id) do update set item_id = excluded.item_id, url = excluded.url
where (core.photo.item_id, core.photo.url) is distinct from (excluded.item_id, excluded.url);

-- Price observations with the attributes of this day; an attribute the day's observation lacks is the last known one.
insert into core.item_sighting (
    observed_date, domain, item_id, run_id, price, currency, previous_price, total_item_price, favourite_count, s3_key, item_index,
    brand_key, size_key, condition_key, catalog_id, seller_id, attribute_source, promoted)
select @observed_date, r.domain, r.item_id, @run_id, r.price, r.currency, r.previous_price, r.total_item_price, r.favourite_count,
       r.s3_key, r.item_index, coalesce(r.brand_key, i.brand_key), coalesce(r.size_key, i.size_key),
       coalesce(r.condition_key, i.condition_key),
       case when r.catalog_source = 'item' then r.catalog_id else coalesce(i.catalog_id, r.catalog_id) end,
       coalesce(r.seller_id, i.seller_id), r.attribute_source, r.promoted
from run_item r
join core.item_attributes i on i.domain = r.domain and i.item_id = r.item_id;

-- Scopes and their listings, for disappearance; whether a scope is complete was decided when it was staged. A promoted
-- card is an advert placed into the results, not a result: a listing a scope showed only as one never leaves that scope.
insert into core.scope_sighting (observed_date, domain, search_key, item_id)
select distinct @observed_date, domain, search_key, item_id
from staging.item_observation
where run_id = @run_id and not promoted;

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
