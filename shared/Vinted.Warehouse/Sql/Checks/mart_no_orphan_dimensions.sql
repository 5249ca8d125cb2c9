-- Left joins on each dimension, not a NOT EXISTS per dimension in one OR (six index probes per fact, millions a day).
select count(*) as observed, 0 as expected, 'facts of the date whose dimension key has no dimension row' as details
from mart.fact_listing_daily f
left join mart.dim_brand b on b.brand_key = f.brand_key
left join mart.dim_catalog c on c.catalog_key = f.catalog_key
left join mart.dim_size z on z.size_key = f.size_key
left join mart.dim_condition k on k.condition_key = f.condition_key
left join mart.dim_date d on d.date_key = f.snapshot_date
left join mart.dim_seller s on s.domain = f.domain and s.seller_id = f.seller_id
where f.snapshot_date = @observed_date
  and (b.brand_key is null or c.catalog_key is null or z.size_key is null or k.condition_key is null or d.date_key is null
       or (f.seller_id is not null and s.seller_id is null))
