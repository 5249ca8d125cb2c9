-- The mart stage's floor: the day's fact rows, features and aggregates inserted into empty tables of the same shape.
create unlogged table floor_fact_listing_daily (like mart.fact_listing_daily including defaults including indexes);
create unlogged table floor_fact_listing_features (like mart.fact_listing_features including defaults including indexes);
create unlogged table floor_agg_daily_brand_catalog (like mart.agg_daily_brand_catalog including defaults including indexes);
insert into floor_fact_listing_daily select * from mart.fact_listing_daily where snapshot_date = @day;
insert into floor_fact_listing_features select * from mart.fact_listing_features where snapshot_date = @day;
insert into floor_agg_daily_brand_catalog select * from mart.agg_daily_brand_catalog where snapshot_date = @day;
