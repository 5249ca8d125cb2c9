-- The share of the run's items rejected stays at or below Warehouse:MaxRejectShare; above it the source has changed
-- shape and the day is not trusted. Below it the rejects are a warning (staging.no_rejects) and the day goes on.
select round(coalesce((select count(*) from staging.item_reject where run_id = @run_id)::numeric
                      / nullif((select manifest_items from staging.run where run_id = @run_id), 0), 0), 6) as observed,
       @max_reject_share as expected,
       'share of the run''s items rejected vs the largest share allowed (Warehouse:MaxRejectShare)' as details
