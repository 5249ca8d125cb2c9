-- (s3_key, item_index) names one item of one raw object: duplicates mean a page was loaded twice. The rows beyond the
-- first of each pair, counted from a grouping of the pairs: count(distinct (s3_key, item_index)) sorted the run's rows
-- by a row value under staging's default work_mem (the 999,393 rows of a 1,000,000-listing day: 1.2 s, this 0.8 s;
-- issue 21).
select coalesce(sum(copies - 1), 0) as observed, 0 as expected,
       'duplicate (s3_key, item_index) pairs' as details
from (select count(*) as copies
      from staging.item_observation
      where run_id = @run_id
      group by s3_key, item_index
      having count(*) > 1) duplicated
