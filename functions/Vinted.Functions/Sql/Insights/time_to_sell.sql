-- How long vanished listings stayed up, in days: from first seen by the pipeline (always known) and from the
-- listing time Vinted reports (when the page carried it). Vanishing is the proxy for selling.
select 'first_seen' as basis, v.days_first_seen_to_vanished as days, count(*) as listings
from mart.fact_listing_vanished v
join mart.dim_brand b on b.brand_key = v.brand_key
where v.vanished_on between @from and @to
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
  and v.days_listed_to_vanished is not null
  and (@currency::text is null or v.currency = @currency)
  and (@domain::text is null or v.domain = @domain)
  and (@brand::text is null or b.title = @brand)
  and (@catalog::bigint is null or v.catalog_key = @catalog)
group by v.days_listed_to_vanished
order by 1, 2;
