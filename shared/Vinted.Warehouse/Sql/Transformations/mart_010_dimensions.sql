-- Conformed dimensions. Brands, sizes, conditions and catalogs are small lists: refreshed whole. Sellers are many:
-- only those selling something seen this date.
insert into mart.dim_date (date_key, year, quarter, month, day, iso_week, iso_dow)
values (@observed_date, extract(year from @observed_date), extract(quarter from @observed_date), extract(month from @observed_date),
        extract(day from @observed_date), extract(week from @observed_date), extract(isodow from @observed_date))
on conflict (date_key) do nothing;

insert into mart.dim_brand (brand_key, title, vinted_id)
select brand_key, title, vinted_id from core.brand
on conflict (brand_key) do update set title = excluded.title, vinted_id = excluded.vinted_id
where (mart.dim_brand.title, mart.dim_brand.vinted_id) is distinct from (excluded.title, excluded.vinted_id);

insert into mart.dim_size (size_key, title, vinted_id)
select size_key, title, vinted_id from core.size
on conflict (size_key) do update set title = excluded.title, vinted_id = excluded.vinted_id
where (mart.dim_size.title, mart.dim_size.vinted_id) is distinct from (excluded.title, excluded.vinted_id);

insert into mart.dim_condition (condition_key, domain, title, vinted_id)
select condition_key, domain, title, vinted_id from core.condition
on conflict (condition_key) do update set domain = excluded.domain, title = excluded.title, vinted_id = excluded.vinted_id
where (mart.dim_condition.title, mart.dim_condition.vinted_id) is distinct from (excluded.title, excluded.vinted_id);

insert into mart.dim_catalog (catalog_key, vinted_id)
select catalog_id, catalog_id from core.catalog
on conflict (catalog_key) do nothing;

insert into mart.dim_seller (domain, seller_id, login, business)
select se.domain, se.seller_id, se.login, se.business
from (select distinct domain, seller_id from core.item_sighting where observed_date = @observed_date and seller_id is not null) s
join core.seller se on se.domain = s.domain and se.seller_id = s.seller_id
on conflict (domain, seller_id) do update set login = excluded.login, business = excluded.business
where (mart.dim_seller.login, mart.dim_seller.business) is distinct from (excluded.login, excluded.business);
