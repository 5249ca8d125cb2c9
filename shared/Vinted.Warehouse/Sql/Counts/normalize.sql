-- What a normalized run holds for its date, for its result and log line: one row.
-- The date's sightings are the run's: normalize_015 removed every other run's rows of the date. Filtering on run_id too
-- made the planner multiply the two selectivities, take the day's 1,000,000 rows for ~45,000 and read the whole
-- month's partition instead of the date's index range (issue 21).
select
    (select count(*) from core.item_sighting
      where observed_date = @observed_date)                                                     as listings,
    (select count(*) from core.item_sighting s join core.item_attributes i using (domain, item_id)
      where s.observed_date = @observed_date and i.first_seen = @observed_date)                     as fresh,
    (select count(*) from core.item_sighting
      where observed_date = @observed_date
        and previous_price is distinct from price and previous_price is not null)                  as price_changes,
    (select count(*) from core.item_vanish
      where vanished_on = @observed_date and run_id = @run_id)                                     as vanished,
    (select count(*) from core.item_out_of_view
      where out_of_view_on = @observed_date and run_id = @run_id)                                  as out_of_view
