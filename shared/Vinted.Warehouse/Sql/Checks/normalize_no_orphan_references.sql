-- The run's listings and their sightings reference only existing sellers, brands, sizes, conditions, catalogs and photos.
-- Left joins on each referenced key, not a NOT EXISTS per reference: those sat in one OR and ran as nine index probes
-- per listing (millions of probes for a day); each join here is one hash over the referenced table.
-- The date's sightings, not the run's: they are the same rows, and why run_id is left out is in Counts/normalize.sql.
select count(*) as observed, 0 as expected, 'run listings with a dangling reference' as details
from core.item_sighting s
join core.item_attributes i on i.domain = s.domain and i.item_id = s.item_id
left join core.seller    i_seller    on i_seller.domain = i.domain and i_seller.seller_id = i.seller_id
left join core.brand     i_brand     on i_brand.brand_key = i.brand_key
left join core.size      i_size      on i_size.size_key = i.size_key
left join core.condition i_condition on i_condition.condition_key = i.condition_key
left join core.catalog   i_catalog   on i_catalog.catalog_id = i.catalog_id
left join core.photo     i_photo     on i_photo.domain = i.domain and i_photo.photo_id = i.photo_id
left join core.seller    s_seller    on s_seller.domain = s.domain and s_seller.seller_id = s.seller_id
left join core.brand     s_brand     on s_brand.brand_key = s.brand_key
left join core.catalog   s_catalog   on s_catalog.catalog_id = s.catalog_id
where s.observed_date = @observed_date
  and (   (i.seller_id is not null and i_seller.seller_id is null)
       or (i.brand_key is not null and i_brand.brand_key is null)
       or (i.size_key is not null and i_size.size_key is null)
       or (i.condition_key is not null and i_condition.condition_key is null)
       or (i.catalog_id is not null and i_catalog.catalog_id is null)
       or (i.photo_id is not null and i_photo.photo_id is null)
       or (s.seller_id is not null and s_seller.seller_id is null)
       or (s.brand_key is not null and s_brand.brand_key is null)
       or (s.catalog_id is not null and s_catalog.catalog_id is null))
