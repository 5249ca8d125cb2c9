-- The run's listings and their sightings reference only existing sellers, brands, sizes, conditions, catalogs and photos.
select count(*) as observed, 0 as expected, 'run listings with a dangling reference' as details
from core.item i
join core.item_sighting s on s.domain = i.domain and s.item_id = i.item_id
where s.observed_date = @observed_date and s.run_id = @run_id
  and (   (i.seller_id is not null and not exists (select 1 from core.seller x where x.domain = i.domain and x.seller_id = i.seller_id))
       or (i.brand_key is not null and not exists (select 1 from core.brand x where x.brand_key = i.brand_key))
       or (i.size_key is not null and not exists (select 1 from core.size x where x.size_key = i.size_key))
       or (i.condition_key is not null and not exists (select 1 from core.condition x where x.condition_key = i.condition_key))
       or (i.catalog_id is not null and not exists (select 1 from core.catalog x where x.catalog_id = i.catalog_id))
       or (i.photo_id is not null and not exists (select 1 from core.photo x where x.domain = i.domain and x.photo_id = i.photo_id))
       or (s.seller_id is not null and not exists (select 1 from core.seller x where x.domain = s.domain and x.seller_id = s.seller_id))
       or (s.brand_key is not null and not exists (select 1 from core.brand x where x.brand_key = s.brand_key))
       or (s.catalog_id is not null and not exists (select 1 from core.catalog x where x.catalog_id = s.catalog_id)))
