-- Histogram of asking prices: each listing once, at its latest price in the range, in one currency. Bins are
-- equal widths from the lowest price to the 99th percentile; the last bin also holds the long tail above it.
with listing as (
    select distinct on (f.domain, f.item_id) f.price::float8 as price
    from mart.filtered_listing_daily(@from, @to, @currency::text, @domain::text, @brand::text, @catalog::bigint) f
    order by f.domain, f.item_id, f.snapshot_date desc
),
bounds as (
    select min(price) as lo, greatest(percentile_cont(0.99) within group (order by price), min(price)) as hi
    from listing
)
select case when b.hi > b.lo then least(greatest(width_bucket(l.price, b.lo, b.hi, @bins), 1), @bins) else 1 end as bin,
       count(*) as listings,
       min(b.lo) as lo,
       min(b.hi) as hi
from listing l
cross join bounds b
group by 1
order by 1;
