-- How long sold listings stayed up, in days: from first seen by the pipeline (always known) and from the listing time
-- Vinted reports (when the page carried it). Sold only: a listing whose item page said sold (issue 22); a withdrawn one
-- or one of unknown outcome did not sell. The 'vanished' row counts every vanished listing of the range (days 0).
select 'vanished' as basis, 0 as days, count(*) as listings
from mart.filtered_listing_vanished(@from, @to, @currency::text, @domain::text, @brand::text, @catalog::bigint) v
union all
select 'first_seen', v.days_first_seen_to_vanished, count(*)
from mart.filtered_listing_vanished(@from, @to, @currency::text, @domain::text, @brand::text, @catalog::bigint) v
where v.outcome = 'sold'
group by v.days_first_seen_to_vanished
union all
select 'listed', v.days_listed_to_vanished, count(*)
from mart.filtered_listing_vanished(@from, @to, @currency::text, @domain::text, @brand::text, @catalog::bigint) v
where v.outcome = 'sold'
  and v.days_listed_to_vanished is not null
group by v.days_listed_to_vanished
order by 1, 2;
