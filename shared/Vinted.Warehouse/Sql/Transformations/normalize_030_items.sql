-- Each listing seen in the run: its attributes (the wide row, written only when one changes) and its state (the
-- narrow row every run updates: last seen, price, favourites). A run of an older date never overwrites a newer state
-- or newer attributes; a field the observation lacks (null) never erases a value known before. The day's own brand,
-- size and condition keys are those normalize_010 gave each run item.
-- What would change is found in one read of the attributes and kept aside; only those rows are then updated, by key.
-- An UPDATE ... FROM of the proposed rows read the attributes twice, each time into a hash of every listing ever
-- seen (10.5 s on day 31 of the 1,000,000-listing month, with nothing to change; issue 21).
create temp table attribute_change on commit drop as
select domain, item_id, title, brand_key, size_key, condition_key, catalog_id, catalog_source, seller_id, photo_id,
       listed_at, url
from core.item_attributes
with no data;

insert into attribute_change
select p.domain, p.item_id, p.title, p.brand_key, p.size_key, p.condition_key, p.catalog_id, p.catalog_source,
       p.seller_id, p.photo_id, p.listed_at, p.url
from (
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
           coalesce(r.url, a.url) as url,
           row(a.title, a.brand_key, a.size_key, a.condition_key, a.catalog_id, a.catalog_source, a.seller_id, a.photo_id,
               a.listed_at, a.url) as known
    from run_item r
    join core.item_attributes a on a.domain = r.domain and a.item_id = r.item_id
    -- Only where no later run saw the listing. When no date after this one was normalized (the daily case), none did, and
    -- the states are not read at all: an inner join of the states read every listing's state into a hash for nothing
    -- (this insert on day 31 of the 1,000,000-listing month, rolled back: 7.6-9.3 s with it, 4.0-5.2 s without; issue 21).
    -- A late date probes the state of each of its listings instead. A listing has a state exactly when it has attributes.
    where (select max(d.observed_date) <= @observed_date from core.observed_day d)
       or exists (select 1 from core.item_state s where s.domain = r.domain and s.item_id = r.item_id and s.last_seen <= @observed_date)
) p
where row(p.title, p.brand_key, p.size_key, p.condition_key, p.catalog_id, p.catalog_source, p.seller_id, p.photo_id,
          p.listed_at, p.url) is distinct from p.known;
analyze attribute_change;

update core.item_attributes a
set title = p.title, brand_key = p.brand_key, size_key = p.size_key, condition_key = p.condition_key,
    catalog_id = p.catalog_id, catalog_source = p.catalog_source, seller_id = p.seller_id, photo_id = p.photo_id,
    listed_at = p.listed_at, url = p.url
from attribute_change p
where a.domain = p.domain and a.item_id = p.item_id;
drop table attribute_change;

-- Photos: rewritten only when they moved or changed, inserted when new. Each listing keeps its number of photos, which
-- the mart's features read (counting every photo ever seen was 3 s of the features' 7.3 s on day 21 of the 1M-listing
-- month, issue 21): a photo added to or moved onto a listing counts one more for it, one moved off a listing one less.
-- This runs before the new listings' attributes are inserted, so the count reaches known listings only; a new listing's
-- count is its one photo, set with its attributes below. The three parts read the photos as they were before it.
with seen as (
    select r.domain, r.item_id, r.photo_id, r.photo_url, p.item_id as owner, p.url
    from run_item r
    left join core.photo p on p.domain = r.domain and p.photo_id = r.photo_id
    where r.photo_id is not null
),
moved as (
    update core.photo p
    set item_id = s.item_id, url = s.photo_url
    from seen s
    where p.domain = s.domain and p.photo_id = s.photo_id and s.owner is not null
      and (s.owner, s.url) is distinct from (s.item_id, s.photo_url)
),
added as (
    insert into core.photo (domain, photo_id, item_id, url)
    select domain, photo_id, item_id, photo_url from seen where owner is null
)
update core.item_attributes a
set photo_count = a.photo_count + d.delta
from (select domain, item_id, sum(delta) as delta
      from (select domain, item_id, 1 as delta from seen where owner is distinct from item_id
            union all
            select domain, owner, -1 from seen where owner <> item_id) c
      group by domain, item_id) d
where a.domain = d.domain and a.item_id = d.item_id and d.delta <> 0;

-- New listings. An anti-join, then a plain insert: INSERT ... ON CONFLICT pays a speculative insertion per row even
-- where nothing conflicts (the attributes of a first 1,000,000-listing day took 45 s that way, issue 21). The stage
-- holds the shared warehouse lock, so no other writer can add the same key in between.
insert into core.item_attributes (
    domain, item_id, title, brand_key, size_key, condition_key, catalog_id, catalog_source, seller_id, photo_id,
    listed_at, url, first_seen, photo_count)
select r.domain, r.item_id, r.title, r.brand_key, r.size_key, r.condition_key, r.catalog_id, r.catalog_source,
       r.seller_id, r.photo_id, r.listed_at, r.url, @observed_date, (r.photo_id is not null)::int
from run_item r
where not exists (select 1 from core.item_attributes a where a.domain = r.domain and a.item_id = r.item_id);

-- The state of listings known before (one set-based update, not an upsert per row), then of new ones.
update core.item_state s
set price = r.price,
    currency = r.currency,
    total_item_price = coalesce(r.total_item_price, s.total_item_price),
    service_fee = coalesce(r.service_fee, s.service_fee),
    is_visible = coalesce(r.is_visible, s.is_visible),
    favourite_count = coalesce(r.favourite_count, s.favourite_count),
    last_seen = @observed_date,
    vanished_on = case when s.vanished_on <= @observed_date then null else s.vanished_on end,
    last_run_id = @run_id
from run_item r
where s.domain = r.domain and s.item_id = r.item_id and s.last_seen <= @observed_date;

insert into core.item_state (
    domain, item_id, price, currency, total_item_price, service_fee, is_visible, favourite_count, last_seen, vanished_on, last_run_id)
select r.domain, r.item_id, r.price, r.currency, r.total_item_price, r.service_fee, r.is_visible, r.favourite_count,
       @observed_date, null, @run_id
from run_item r
where not exists (select 1 from core.item_state s where s.domain = r.domain and s.item_id = r.item_id);

-- Price observations with the attributes of this day; an attribute the day's observation lacks is the last known one.
insert into core.item_sighting (
    observed_date, domain, item_id, run_id, price, currency, previous_price, total_item_price, favourite_count, s3_key, item_index,
    brand_key, size_key, condition_key, catalog_id, seller_id, attribute_source, promoted)
select @observed_date, r.domain, r.item_id, @run_id, r.price, r.currency, pp.price, r.total_item_price, r.favourite_count,
       r.s3_key, r.item_index, coalesce(r.brand_key, i.brand_key), coalesce(r.size_key, i.size_key),
       coalesce(r.condition_key, i.condition_key),
       case when r.catalog_source = 'item' then r.catalog_id else coalesce(i.catalog_id, r.catalog_id) end,
       coalesce(r.seller_id, i.seller_id), r.attribute_source, r.promoted
from run_item r
join core.item_attributes i on i.domain = r.domain and i.item_id = r.item_id
left join run_previous_price pp on pp.domain = r.domain and pp.item_id = r.item_id;

-- Scopes and their listings, for disappearance; whether a scope is complete was decided when it was staged. A promoted
-- card is an advert placed into the results, not a result: a listing a scope showed only as one never leaves that scope.
-- A scope's listings are one row, their ids sorted in an array (migration 0023): a row per listing cost this statement
-- 2.9-4.1 s of a 1,000,000-listing day, the arrays 0.65-1.1 s (issue 21).
insert into core.scope_listing_set (observed_date, domain, search_key, item_ids)
select @observed_date, domain, search_key, array_agg(distinct item_id order by item_id)
from staging.item_observation
where run_id = @run_id and not promoted
group by domain, search_key;

insert into core.scope_run (run_id, domain, search_key, observed_date, complete)
select run_id, domain, search_key, @observed_date, complete
from staging.run_scope
where run_id = @run_id;

-- Today's scope runs, before disappearances are judged on them. The sightings are not analyzed here: the exits copy the
-- judged date's sightings into a table of their own and analyze that. ANALYZE of the partitioned parent here took
-- 11-18 s by day 5 of a 1,000,000-listing month (it samples every partition, then each partition again, as autovacuum
-- works on the same pages; issue 21).
analyze core.scope_run;
