-- Dimensions first, so the run's listings take their keys as they are picked. A page that names an id fills it in;
-- none ever erases one. The day's members of every dimension come from one pass over the run's staging rows, a
-- grouping set each (one scan of the day instead of five). Every observation counts, not only the one each listing
-- keeps below: an id or a login any page of the run showed is known.
create temp table run_member on commit drop as
select case when grouping(brand_title) = 0 then 'brand'
            when grouping(size_title) = 0 then 'size'
            when grouping(condition_title) = 0 then 'condition'
            when grouping(catalog_id) = 0 then 'catalog'
            else 'seller' end as dimension,
       domain, brand_title, size_title, condition_title, catalog_id, seller_id,
       max(brand_id) as brand_id, max(size_id) as size_id, max(condition_id) as condition_id,
       max(seller_login) as login, bool_or(seller_business) as business
from staging.item_observation
where run_id = @run_id
group by grouping sets ((brand_title), (size_title), (domain, condition_title), (catalog_id), (domain, seller_id));

insert into core.brand (title, vinted_id)
select brand_title, brand_id from run_member where dimension = 'brand' and brand_title is not null
on conflict (title) do update set vinted_id = coalesce(excluded.vinted_id, core.brand.vinted_id);

insert into core.size (title, vinted_id)
select size_title, size_id from run_member where dimension = 'size' and size_title is not null and size_title <> ''
on conflict (title) do update set vinted_id = coalesce(excluded.vinted_id, core.size.vinted_id);

insert into core.condition (domain, title, vinted_id)
select domain, condition_title, condition_id from run_member where dimension = 'condition' and condition_title is not null
on conflict (domain, title) do update set vinted_id = coalesce(excluded.vinted_id, core.condition.vinted_id);

insert into core.catalog (catalog_id, first_seen)
select catalog_id, @observed_date from run_member where dimension = 'catalog' and catalog_id is not null
on conflict (catalog_id) do update set first_seen = least(core.catalog.first_seen, excluded.first_seen);

-- The run's listings, one row per (domain, item_id): of an item's observations, the one from a page that carried
-- the item's own catalog_id (seller pages: also brand, size and condition ids) wins, then a search result over a
-- promoted card, then the first by key. The listing is promoted on the date only if every observation was a promoted card.
-- Each takes its brand, size and condition keys here, from the dimensions just upserted: the statements after joined
-- the three dimensions by title each (the day's price observations, rolled back: 1-2 s of their 8-10 s, issue 21), and
-- filling the keys in afterwards rewrote every row of this table (38 s of a 1,000,000-listing day).
-- A CREATE TABLE AS, not an INSERT: PostgreSQL never runs an INSERT's query in parallel, and a CREATE TABLE AS can
-- split the scan and sort of the day's staging rows across parallel workers (normalize otherwise runs on one core while
-- the machine's other idles). Parameters cannot go into a CREATE TABLE AS, so the run id reaches it as a setting of the
-- transaction. With the stage's work_mem the sort fits in memory and the planner then prices the merge of the
-- workers' parts above sorting alone, so the cost of passing a row from a worker is lowered for this statement.
-- Replayed in the stage's transaction on a 1,000,000-listing day, alternating: 3.8-3.9 s in parallel, 4.7 s without
-- workers, 4.5-4.6 s as the insert it was (issue 21).
select set_config('vinted.run_id', @run_id, true);
set local parallel_tuple_cost = 0.01;

-- The window is ordered like DISTINCT ON, so one sort of the day's rows serves both; partitioned alone it took a second
-- sort of the same rows. The item id leads the sort: nearly every comparison ends on it, where a leading domain compared
-- two equal strings first (the run items of a 1,000,000-listing day: 11.7 -> 9.3 s, issue 21). The rows then come in
-- item id order (the workers' sorted parts are merged; the dimensions are the hashed side of their joins), each
-- domain's in key order of the (domain, item_id) indexes the statements after insert them into.
create temp table run_item on commit drop as
select o.domain, o.item_id, o.title, o.price, o.currency, o.total_item_price, o.service_fee,
       b.brand_key, z.size_key, c.condition_key, o.catalog_id, o.catalog_source, o.seller_id,
       o.photo_id, o.photo_url, o.listed_at, o.is_visible, o.favourite_count, o.url,
       o.s3_key, o.item_index, o.attribute_source, o.promoted
from (
    select distinct on (o.item_id, o.domain)
           o.domain, o.item_id, o.title, o.price, o.currency, o.total_item_price, o.service_fee,
           o.brand_title, o.size_title, o.condition_title, o.catalog_id, o.catalog_source, o.seller_id,
           o.photo_id, o.photo_url, o.listed_at, o.is_visible, o.favourite_count, o.url,
           o.s3_key, o.item_index, o.attribute_source,
           bool_and(o.promoted) over (pick rows between unbounded preceding and unbounded following) as promoted
    from staging.item_observation o
    where o.run_id = current_setting('vinted.run_id')
    window pick as (partition by o.item_id, o.domain
                    order by (o.catalog_source = 'item') desc nulls last, o.promoted, o.s3_key, o.item_index)
    order by o.item_id, o.domain, (o.catalog_source = 'item') desc nulls last, o.promoted, o.s3_key, o.item_index
) o
left join core.brand b on b.title = o.brand_title
left join core.size z on z.title = o.size_title
left join core.condition c on c.domain = o.domain and c.title = o.condition_title;
reset parallel_tuple_cost;

-- No index: every statement after joins run_item by hash, and DISTINCT ON already makes (domain, item_id) unique.
analyze run_item;

-- The price each listing had before this date (same currency), filled by normalize_020 in the daily case; a late date
-- leaves it empty and normalize_060 derives previous prices from the sightings.
create temp table run_previous_price (domain text not null, item_id bigint not null, price numeric not null) on commit drop;

-- Sellers (many): an update where something changed, then an insert of the new ones; an upsert of every seller of the
-- day paid a speculative insertion each.
create temp table run_seller on commit drop as
select domain, seller_id, login, business from run_member where dimension = 'seller' and seller_id is not null;

update core.seller s
set login = coalesce(r.login, s.login),
    business = coalesce(r.business, s.business),
    first_seen = least(s.first_seen, @observed_date),
    last_seen = greatest(s.last_seen, @observed_date)
from run_seller r
where s.domain = r.domain and s.seller_id = r.seller_id
-- A seller seen again with nothing new is not rewritten (most of them, every day, but for last_seen).
  and (s.login, s.business, s.first_seen, s.last_seen)
      is distinct from
      (coalesce(r.login, s.login), coalesce(r.business, s.business), least(s.first_seen, @observed_date), greatest(s.last_seen, @observed_date));

insert into core.seller (domain, seller_id, login, business, first_seen, last_seen)
select r.domain, r.seller_id, r.login, r.business, @observed_date, @observed_date
from run_seller r
where not exists (select 1 from core.seller s where s.domain = r.domain and s.seller_id = r.seller_id);
