select (select count(*) from mart.fact_listing_daily where snapshot_date = @observed_date) as observed,
       (select count(*) from core.item_sighting where observed_date = @observed_date) as expected,
       'daily listing facts vs price observations of the date' as details
