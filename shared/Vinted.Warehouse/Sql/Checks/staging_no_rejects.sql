-- Not blocking: rejected items below the allowed share are reported as a warning, with the commonest reason.
select count(*) as observed, 0 as expected,
       'rejected items (staging.item_reject, with reason and S3 key); commonest reason: ' ||
       coalesce(mode() within group (order by reason), '-') as details
from staging.item_reject
where run_id = @run_id
