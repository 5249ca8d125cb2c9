-- The month-long query both engines answer (PostgreSQL on the mart, DuckDB on the lake's files; {0} is the table):
-- per domain and brand over the range, listings, distinct listings, summed prices and price drops.
select domain, brand_key, count(*) as listings, count(distinct item_id) as distinct_listings, sum(price) as price_sum,
       sum(case when price_dropped then 1 else 0 end) as price_drops
from {0}
where snapshot_date between {1} and {2}
group by domain, brand_key
order by domain, brand_key
