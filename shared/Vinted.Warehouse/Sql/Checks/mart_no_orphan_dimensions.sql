select count(*) as observed, 0 as expected, 'facts of the date whose dimension key has no dimension row' as details
from mart.fact_listing_daily f
where f.snapshot_date = @observed_date
  and (   not exists (select 1 from mart.dim_brand d where d.brand_key = f.brand_key)
       or not exists (select 1 from mart.dim_catalog d where d.catalog_key = f.catalog_key)
       or not exists (select 1 from mart.dim_size d where d.size_key = f.size_key)
       or not exists (select 1 from mart.dim_condition d where d.condition_key = f.condition_key)
       or not exists (select 1 from mart.dim_date d where d.date_key = f.snapshot_date)
       or (f.seller_id is not null and not exists (select 1 from mart.dim_seller d where d.domain = f.domain and d.seller_id = f.seller_id)))
