-- The day's vanished facts by outcome, as the mart holds them.
select count(*) as vanished,
       count(*) filter (where outcome = 'sold') as sold,
       count(*) filter (where outcome = 'withdrawn') as withdrawn,
       count(*) filter (where outcome = 'unknown') as unknown
from mart.fact_listing_vanished
where vanished_on = @observed_date;
