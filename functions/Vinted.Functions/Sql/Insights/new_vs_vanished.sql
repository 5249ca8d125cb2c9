-- Per day: listings seen, listings seen for the first time, and listings that vanished (sold or withdrawn).
-- The first day of the data counts every listing as new.
with seen as (
    select f.snapshot_date as day, count(*) as listings, count(*) filter (where f.is_new) as new_listings
    from mart.fact_listing_daily f
    join mart.dim_brand b on b.brand_key = f.brand_key
    where f.snapshot_date between @from and @to
      and (@currency::text is null or f.currency = @currency)
      and (@domain::text is null or f.domain = @domain)
      and (@brand::text is null or b.title = @brand)
      and (@catalog::bigint is null or f.catalog_key = @catalog)
    group by f.snapshot_date
),
gone as (
    select v.vanished_on as day, count(*) as vanished
    from mart.fact_listing_vanished v
    join mart.dim_brand b on b.brand_key = v.brand_key
    where v.vanished_on between @from and @to
      and (@currency::text is null or v.currency = @currency)
      and (@domain::text is null or v.domain = @domain)
      and (@brand::text is null or b.title = @brand)
      and (@catalog::bigint is null or v.catalog_key = @catalog)
    group by v.vanished_on
)
select coalesce(s.day, g.day) as day, coalesce(s.listings, 0), coalesce(s.new_listings, 0), coalesce(g.vanished, 0)
from seen s
full join gone g on g.day = s.day
order by 1;
