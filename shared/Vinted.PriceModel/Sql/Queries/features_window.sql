-- The features of one currency's listings over a range of days (inclusive), in a stable order.
select snapshot_date, domain, item_id, price, brand, catalog, size, condition, title, photo_count, days_on_sale,
       favourite_count, price_drops, seller_business, seller_listings
from mart.fact_listing_features
where currency = @currency and snapshot_date between @from and @to
order by snapshot_date, domain, item_id
