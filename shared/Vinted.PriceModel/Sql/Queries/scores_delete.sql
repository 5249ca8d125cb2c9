-- A day's scores, all currencies: scoring writes the day again from its production models.
delete from mart.listing_price_estimate where snapshot_date = @day
