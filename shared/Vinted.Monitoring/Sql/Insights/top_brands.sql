-- The brands with the most distinct listings in the range, with their median asking price (over daily
-- sightings) in the one requested currency. Listings without a brand are left out.
select b.title,
       count(distinct (f.domain, f.item_id)) as listings,
       round(percentile_cont(0.50) within group (order by f.price)::numeric, 2) as median_price
from mart.filtered_listing_daily(@from, @to, @currency::text, @domain::text, null, @catalog::bigint) f
join mart.dim_brand b on b.brand_key = f.brand_key
where f.brand_key <> -1
group by b.title
order by listings desc, b.title
limit @top;
