select date_key, year, quarter, month, day, iso_week, iso_dow from mart.dim_date order by date_key;
