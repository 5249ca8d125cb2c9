-- Every item the manifest counts on its non-quarantined pages is one staging row or one rejected item.
select (select count(*) from staging.item_observation where run_id = @run_id)
     + (select count(*) from staging.item_reject where run_id = @run_id) as observed,
       (select manifest_items from staging.run where run_id = @run_id) as expected,
       (select format('%s pages (%s quarantined, not loaded), %s items rejected (staging.item_reject)',
                      manifest_pages, quarantined_pages, item_problems)
        from staging.run where run_id = @run_id) as details
