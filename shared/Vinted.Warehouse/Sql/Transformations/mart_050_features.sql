-- The date's features, computed beside this transaction by mart_005_feature_build.sql, become the date's partition
-- (emptied just before). The rows are the same whichever connection computed them: both read the normalized model as
-- normalize committed it, which no one else writes while the build holds the shared lock.
insert into mart.fact_listing_features (
    snapshot_date, domain, item_id, currency, price, brand, catalog, size, condition, title, photo_count, days_on_sale,
    favourite_count, price_drops, seller_business, seller_listings, attribute_source, promoted)
select snapshot_date, domain, item_id, currency, price, brand, catalog, size, condition, title, photo_count, days_on_sale,
       favourite_count, price_drops, seller_business, seller_listings, attribute_source, promoted
from mart.feature_build
where snapshot_date = @observed_date;
