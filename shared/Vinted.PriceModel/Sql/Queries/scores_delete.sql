delete from mart.listing_price_estimate where snapshot_date = @day and currency = @currency
