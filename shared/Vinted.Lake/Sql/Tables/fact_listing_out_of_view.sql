-- One day of mart.fact_listing_out_of_view for the lake; the partition column (out_of_view_on) is the Hive partition.
select domain, item_id, brand_key, catalog_key, seller_id, last_seen, last_price, currency, run_id
from mart.fact_listing_out_of_view
where out_of_view_on = @day
order by domain, item_id;
