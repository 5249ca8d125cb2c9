-- (s3_key, item_index) names one item of one raw object: duplicates mean a page was loaded twice. Counted per page: its
-- rows less its distinct item indexes are the rows beyond the first of each pair. One sort by page, then ~96 indexes a
-- group, where grouping the pairs themselves hashed or sorted a million of them. Day 30 of the 1,000,000-listing month
-- (999,579 rows), at staging's default work_mem: 0.54-0.62 s, against 1.4-1.5 s grouped by pair (this check before) and
-- 1.1 s with count(distinct (s3_key, item_index)) (issue 21).
select coalesce(sum(extra), 0) as observed, 0 as expected,
       'duplicate (s3_key, item_index) pairs' as details
from (select count(*) - count(distinct item_index) as extra
      from staging.item_observation
      where run_id = @run_id
      group by s3_key) page
