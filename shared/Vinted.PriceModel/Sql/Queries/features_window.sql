-- The features of one currency's listings over a range of days (inclusive), in a stable order. @keep samples by listing:
-- a listing is kept when its id's hash modulo @every (a power of two) is below @keep (@keep = @every keeps every
-- listing), so a listing's days stay together and the same settings read the same sample again.
select snapshot_date, domain, item_id, price, brand, catalog, size, condition, title, photo_count, days_on_sale,
       favourite_count, price_drops, seller_business, seller_listings
from mart.fact_listing_features
where currency = @currency and snapshot_date between @from and @to
  and (@keep >= @every or (hashint8(item_id) & (@every - 1)) < @keep)
order by snapshot_date, domain, item_id
