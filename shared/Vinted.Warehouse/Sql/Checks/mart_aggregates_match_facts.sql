select (select coalesce(sum(listing_count), 0) + coalesce(sum(vanished_listings), 0) + coalesce(sum(out_of_view_listings), 0)
        from mart.agg_daily_brand_catalog where snapshot_date = @observed_date) as observed,
       (select count(*) from mart.fact_listing_daily where snapshot_date = @observed_date and not promoted)
     + (select count(*) from mart.fact_listing_vanished where vanished_on = @observed_date)
     + (select count(*) from mart.fact_listing_out_of_view where out_of_view_on = @observed_date) as expected,
       'listings (promoted cards apart) + vanished + out-of-view listings in the aggregates vs in the facts' as details
