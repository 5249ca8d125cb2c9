-- One day of mart.fact_listing_daily for the lake, in key order (the primary key's index serves it without a sort).
-- The partition column is not selected: it is the file's Hive partition (snapshot_date=YYYY-MM-DD).
select domain, item_id, brand_key, catalog_key, size_key, condition_key, seller_id, price, currency, previous_price,
       is_new, price_dropped, favourite_count, run_id, s3_key, item_index,
       -- Issue 22: where brand, size and condition came from (flat fields or the card), and adverts (promoted cards).
       attribute_source, promoted
from mart.fact_listing_daily
where snapshot_date = @day
order by domain, item_id;
