select count(*) as observed, 0 as expected,
       'rows whose currency is missing or not in quality.known_currency: ' || coalesce(string_agg(distinct coalesce(currency, 'null'), ','), '-') as details
from staging.item_observation o
where o.run_id = @run_id
  and (o.currency is null or not exists (select 1 from quality.known_currency k where k.code = o.currency))
