-- The date's listing snapshots, from every sighting of that date, with the brand, catalog, size, condition and seller
-- that date observed, into a table that the mart build's transaction then attaches as the date's partition (0022). "New"
-- = first seen this date; a price drop compares with the listing's previous price in the same currency. Run by the build
-- on a connection of its own, beside its transaction's dimensions and aggregates and the features' build
-- (mart_005_feature_build.sql): in the transaction, this insert was 4.6-5.1 s of the 8.4-8.6 s a 1,000,000-listing
-- day's mart took on one core (issue 21). It reads only what normalize committed.
select mart.open_day_build('fact_listing_daily');

insert into mart.fact_listing_daily_build (
    snapshot_date, domain, item_id, brand_key, catalog_key, size_key, condition_key, seller_id,
    price, currency, previous_price, is_new, price_dropped, favourite_count, run_id, s3_key, item_index,
    attribute_source, promoted)
select s.observed_date, s.domain, s.item_id,
       coalesce(s.brand_key, -1), coalesce(s.catalog_id, -1), coalesce(s.size_key, -1), coalesce(s.condition_key, -1), s.seller_id,
       s.price, s.currency, s.previous_price, i.first_seen = s.observed_date, coalesce(s.previous_price > s.price, false),
       s.favourite_count, s.run_id, s.s3_key, s.item_index, s.attribute_source, s.promoted
from core.item_sighting s
-- The attributes alone: first_seen lives there, and core.item would join every listing's state for nothing.
join core.item_attributes i on i.domain = s.domain and i.item_id = s.item_id
where s.observed_date = @observed_date;

-- Statistics before anything reads the day (the aggregates, the checks): without them the planner took a new
-- partition's 1,000,000 rows for about 4,000 and read the features' joins as nested loops of index probes (0016).
analyze mart.fact_listing_daily_build;

select mart.seal_day_build('fact_listing_daily', @observed_date);
