-- A run's recorded data-quality checks, every stage (@stage null) or one, in the stages' order.
select stage, check_name, passed, observed, expected, blocking, details, checked_at
from quality.check_result
where run_id = @run_id and (@stage::text is null or stage = @stage)
order by case stage when 'staging' then 1 when 'normalize' then 2 when 'mart' then 3 else 4 end, check_name
