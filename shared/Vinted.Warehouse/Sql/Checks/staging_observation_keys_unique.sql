-- (s3_key, item_index) names one item of one raw object: duplicates mean a page was loaded twice.
select count(*) - count(distinct (s3_key, item_index)) as observed, 0 as expected,
       'duplicate (s3_key, item_index) pairs' as details
from staging.item_observation
where run_id = @run_id
