-- What a normalized run holds for its date, for its result and log line: one row.
select
    (select count(*) from core.item_sighting
      where observed_date = @observed_date and run_id = @run_id)                                   as listings,
    (select count(*) from core.item_sighting s join core.item_attributes i using (domain, item_id)
      where s.observed_date = @observed_date and s.run_id = @run_id and i.first_seen = @observed_date) as fresh,
    (select count(*) from core.item_sighting
      where observed_date = @observed_date and run_id = @run_id
        and previous_price is distinct from price and previous_price is not null)                  as price_changes,
    (select count(*) from core.item_vanish
      where vanished_on = @observed_date and run_id = @run_id)                                     as vanished,
    (select count(*) from core.item_out_of_view
      where out_of_view_on = @observed_date and run_id = @run_id)                                  as out_of_view
