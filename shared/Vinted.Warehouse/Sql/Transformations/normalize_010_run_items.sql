-- The run's listings, one row per (domain, item_id): of an item's observations, the one from a page that carried
-- the item's own catalog_id (seller pages: also brand, size and condition ids) wins, then a search result over a
-- promoted card, then the first by key. The listing is promoted on the date only if every observation was a promoted card.
create temp table run_item on commit drop as
select o.domain, o.item_id, o.title, o.price, o.currency, o.total_item_price, o.service_fee,
       o.brand_id, o.brand_title, o.size_id, o.size_title, o.condition_id, o.condition_title,
       o.catalog_id, o.catalog_source, o.seller_id, o.seller_login, o.seller_business,
       o.photo_id, o.photo_url, o.listed_at, o.is_visible, o.favourite_count, o.url,
       o.s3_key, o.item_index, null::numeric as previous_price,
       null::int as brand_key, null::int as size_key, null::int as condition_key,
       o.attribute_source, o.promoted
from staging.item_observation o
with no data;

-- (Parameters cannot go into CREATE TABLE AS, hence the separate insert.)
insert into run_item
select distinct on (o.domain, o.item_id)
       o.domain, o.item_id, o.title, o.price, o.currency, o.total_item_price, o.service_fee,
       o.brand_id, o.brand_title, o.size_id, o.size_title, o.condition_id, o.condition_title,
       o.catalog_id, o.catalog_source, o.seller_id, o.seller_login, o.seller_business,
       o.photo_id, o.photo_url, o.listed_at, o.is_visible, o.favourite_count, o.url,
       o.s3_key, o.item_index, null::numeric as previous_price, null::int, null::int, null::int,
       o.attribute_source, bool_and(o.promoted) over (partition by o.domain, o.item_id)
from staging.item_observation o
where o.run_id = @run_id
order by o.domain, o.item_id, (o.catalog_source = 'item') desc nulls last, o.promoted, o.s3_key, o.item_index;

create unique index on run_item (domain, item_id);
analyze run_item;

-- Dimensions first, so items can take their keys. A page that names an id fills it in; none ever erases one.
insert into core.brand (title, vinted_id)
select brand_title, max(brand_id) from run_item where brand_title is not null group by brand_title
on conflict (title) do update set vinted_id = coalesce(excluded.vinted_id, core.brand.vinted_id);

insert into core.size (title, vinted_id)
select size_title, max(size_id) from run_item where size_title is not null and size_title <> '' group by size_title
on conflict (title) do update set vinted_id = coalesce(excluded.vinted_id, core.size.vinted_id);

insert into core.condition (domain, title, vinted_id)
select domain, condition_title, max(condition_id) from run_item where condition_title is not null group by domain, condition_title
on conflict (domain, title) do update set vinted_id = coalesce(excluded.vinted_id, core.condition.vinted_id);

insert into core.catalog (catalog_id, first_seen)
select distinct catalog_id, @observed_date from run_item where catalog_id is not null
on conflict (catalog_id) do update set first_seen = least(core.catalog.first_seen, excluded.first_seen);

insert into core.seller (domain, seller_id, login, business, first_seen, last_seen)
select domain, seller_id, max(seller_login), bool_or(seller_business), @observed_date, @observed_date
from run_item where seller_id is not null group by domain, seller_id
on conflict (domain, seller_id) do update set
    login = coalesce(excluded.login, core.seller.login),
    business = coalesce(excluded.business, core.seller.business),
    first_seen = least(core.seller.first_seen, excluded.first_seen),
    last_seen = greatest(core.seller.last_seen, excluded.last_seen)
-- A seller seen again with nothing new is not rewritten (most of them, every day, but for last_seen).
where (core.seller.login, core.seller.business, core.seller.first_seen, core.seller.last_seen)
      is distinct from
      (coalesce(excluded.login, core.seller.login), coalesce(excluded.business, core.seller.business),
       least(core.seller.first_seen, excluded.first_seen), greatest(core.seller.last_seen, excluded.last_seen));

-- The day's own dimension keys, which its facts carry whatever the listing shows on other days.
update run_item r
set brand_key = (select b.brand_key from core.brand b where b.title = r.brand_title),
    size_key = (select s.size_key from core.size s where s.title = r.size_title),
    condition_key = (select c.condition_key from core.condition c where c.domain = r.domain and c.title = r.condition_title)
where r.brand_title is not null or r.size_title is not null or r.condition_title is not null;
