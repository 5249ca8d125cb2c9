-- Per day: listings seen, listings seen for the first time, listings that vanished (left a complete search: sold or
-- withdrawn) with what their item pages said (sold, withdrawn, unknown: the three add up to vanished) and listings out of
-- view (left a truncated search: maybe sold, maybe only pushed down by newer ones).
-- The first day of the data counts every listing as new. The filter is the mart's (mart.filtered_*, migration 0015).
with seen as (
    select f.snapshot_date as day, count(*) as listings, count(*) filter (where f.is_new) as new_listings
    from mart.filtered_listing_daily(@from, @to, @currency::text, @domain::text, @brand::text, @catalog::bigint) f
    group by f.snapshot_date
),
gone as (
    select v.vanished_on as day, count(*) as vanished,
           count(*) filter (where v.outcome = 'sold') as sold,
           count(*) filter (where v.outcome = 'withdrawn') as withdrawn,
           count(*) filter (where v.outcome = 'unknown') as unknown
    from mart.filtered_listing_vanished(@from, @to, @currency::text, @domain::text, @brand::text, @catalog::bigint) v
    group by v.vanished_on
),
unseen as (
    select o.out_of_view_on as day, count(*) as out_of_view
    from mart.filtered_listing_out_of_view(@from, @to, @currency::text, @domain::text, @brand::text, @catalog::bigint) o
    group by o.out_of_view_on
)
select coalesce(s.day, g.day, u.day) as day, coalesce(s.listings, 0), coalesce(s.new_listings, 0), coalesce(g.vanished, 0), coalesce(u.out_of_view, 0),
       coalesce(g.sold, 0), coalesce(g.withdrawn, 0), coalesce(g.unknown, 0)
from seen s
full join gone g on g.day = s.day
full join unseen u on u.day = coalesce(s.day, g.day)
order by 1;
