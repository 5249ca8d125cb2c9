-- How long sold listings stayed up, in days: from first seen by the pipeline (always known) and from the listing time
-- Vinted reports (when the page carried it). Sold only: a listing whose item page said sold (issue 22); a withdrawn one
-- or one of unknown outcome did not sell. The 'vanished' row counts every vanished listing of the range (days 0).
select 'vanished' as basis, 0 as days, count(*) as listings
from mart.fact_listing_vanished v
join mart.dim_brand b on b.brand_key = v.brand_key
where v.vanished_on between @from and @to
  and (@currency::text is null or v.currency = @currency)
  and (@domain::text is null or v.domain = @domain)
  and (@brand::text is null or b.title = @brand)
  and (@catalog::bigint is null or v.catalog_key = @catalog)
union all
select 'first_seen', v.days_first_seen_to_vanished, count(*)
from mart.fact_listing_vanished v
join mart.dim_brand b on b.brand_key = v.brand_key
where v.vanished_on between @from and @to
  and v.outcome = 'sold'
  and (@currency::text is null or v.currency = @currency)
  and (@domain::text is null or v.domain = @domain)
  and (@brand::text is null or b.title = @brand)
  and (@catalog::bigint is null or v.catalog_key = @catalog)
group by v.days_first_seen_to_vanished
union all
select 'listed', v.days_listed_to_vanished, count(*)
from mart.fact_listing_vanished v
join mart.dim_brand b on b.brand_key = v.brand_key
where v.vanished_on between @from and @to
  and v.outcome = 'sold'
  and v.days_listed_to_vanished is not null
  and (@currency::text is null or v.currency = @currency)
  and (@domain::text is null or v.domain = @domain)
  and (@brand::text is null or b.title = @brand)
  and (@catalog::bigint is null or v.catalog_key = @catalog)
group by v.days_listed_to_vanished
order by 1, 2;
