select count(*) as observed, 0 as expected,
       'rows whose price is missing or not positive; first: ' || coalesce(min(s3_key || '#' || item_index), '-') as details
from staging.item_observation
where run_id = @run_id and (price is null or price <= 0)
