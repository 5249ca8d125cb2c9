-- The currencies with listings on the newest day up to @to, and that day.
select currency, max(snapshot_date)
from mart.fact_listing_daily
where snapshot_date <= @to
group by currency
order by currency
