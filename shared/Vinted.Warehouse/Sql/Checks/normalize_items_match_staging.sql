-- Each distinct listing of the run's staging rows is exactly one price observation of the run's date.
-- The date's sightings, not the run's: they are the same rows, and why run_id is left out is in Counts/normalize.sql.
select (select count(*) from core.item_sighting where observed_date = @observed_date) as observed,
       (select count(*) from (select distinct domain, item_id from staging.item_observation where run_id = @run_id) d) as expected,
       'listings observed by the run vs distinct (domain, item_id) in its staging rows' as details
