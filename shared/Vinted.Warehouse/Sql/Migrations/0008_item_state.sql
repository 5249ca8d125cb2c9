-- Day 2 no slower than day 1: a daily run sees nearly every listing again, but what changes for most of them is only
-- when they were last seen, their favourites and sometimes their price. Those columns move out of the wide listing
-- row (title, URL, references) into a narrow one, core.item_state, which the run updates in place; the wide row,
-- now core.item_attributes, is written only when an attribute really changes. core.item stays, as a view of both,
-- for every reader.

alter table core.item rename to item_attributes;
alter index core.item_pkey rename to item_attributes_pkey;

create table core.item_state (
    domain           text   not null,
    item_id          bigint not null,
    price            numeric,
    currency         text,
    total_item_price numeric,
    service_fee      numeric,
    is_visible       boolean,
    favourite_count  int,
    last_seen        date   not null,
    -- Set when the listing disappeared from its searches; cleared if it comes back.
    vanished_on      date,
    last_run_id      text   not null,
    primary key (domain, item_id)
) with (fillfactor = 70);

insert into core.item_state (domain, item_id, price, currency, total_item_price, service_fee, is_visible, favourite_count,
                             last_seen, vanished_on, last_run_id)
select domain, item_id, price, currency, total_item_price, service_fee, is_visible, favourite_count,
       last_seen, vanished_on, last_run_id
from core.item_attributes;

alter table core.item_attributes
    drop column price, drop column currency, drop column total_item_price, drop column service_fee,
    drop column is_visible, drop column favourite_count, drop column last_seen, drop column vanished_on,
    drop column last_run_id;
-- Rarely updated now: full pages.
alter table core.item_attributes reset (fillfactor);

create view core.item as
select a.domain, a.item_id, a.title, s.price, s.currency, s.total_item_price, s.service_fee, a.brand_key, a.size_key,
       a.condition_key, a.catalog_id, a.catalog_source, a.seller_id, a.photo_id, a.listed_at, a.url, s.is_visible,
       s.favourite_count, a.first_seen, s.last_seen, s.vanished_on, s.last_run_id
from core.item_attributes a
join core.item_state s on s.domain = a.domain and s.item_id = a.item_id;
