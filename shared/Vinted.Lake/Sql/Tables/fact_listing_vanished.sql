-- One day of mart.fact_listing_vanished for the lake; the partition column (vanished_on) is the Hive partition.
select domain, item_id, brand_key, catalog_key, seller_id, first_seen, listed_at, days_first_seen_to_vanished,
       days_listed_to_vanished, last_price, currency, run_id, outcome
from mart.fact_listing_vanished
where vanished_on = @day
order by domain, item_id;
