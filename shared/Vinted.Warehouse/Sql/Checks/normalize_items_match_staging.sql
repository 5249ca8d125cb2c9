-- Each distinct listing of the run's staging rows is exactly one price observation of the run's date.
-- The date's sightings, not the run's: they are the same rows, and why run_id is left out is in Counts/normalize.sql.
-- The staged listings are counted in run_item, which normalize_010 made in this transaction from the run's staging
-- rows, one per (domain, item_id): a second distinct over the day's staging rows took 1.3 s of a 1,000,000-listing day
-- (issue 21). What the check guards is the sightings insert keeping every one of them.
select (select count(*) from core.item_sighting where observed_date = @observed_date) as observed,
       (select count(*) from run_item) as expected,
       'listings observed by the run vs distinct (domain, item_id) in its staging rows' as details
