-- The date's features, computed beside the build from the date's sightings (mart_005_feature_build.sql), are one row
-- per daily listing fact of the date.
select (select count(*) from mart.fact_listing_features where snapshot_date = @observed_date) as observed,
       (select count(*) from mart.fact_listing_daily where snapshot_date = @observed_date) as expected,
       'listing features vs daily listing facts of the date' as details
