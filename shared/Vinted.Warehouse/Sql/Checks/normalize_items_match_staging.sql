-- Each distinct listing of the run's staging rows is exactly one price observation of the run's date.
select (select count(*) from core.item_sighting where observed_date = @observed_date and run_id = @run_id) as observed,
       (select count(*) from (select distinct domain, item_id from staging.item_observation where run_id = @run_id) d) as expected,
       'listings observed by the run vs distinct (domain, item_id) in its staging rows' as details
