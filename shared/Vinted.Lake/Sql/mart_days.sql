-- The days of a range the mart holds (one run per date, core.observed_day), for an export of the range.
select observed_date from core.observed_day where observed_date between @from and @to order by observed_date;
