-- How many feature rows one currency has over a range of days (inclusive): what a sample of the range is sized against.
select count(*)
from mart.fact_listing_features
where currency = @currency and snapshot_date between @from and @to
