-- A synthetic mart day for the lake benchmark: @listings listings in mart.fact_listing_daily, shaped like the pipeline's
-- (two domains, 12 catalogs, 40 brands, prices with cents, a lineage key per page of 96). Day N shifts the listings by 5 %
-- per day (as many sell as are listed), about 3 % of a day's listings are new and 0.5 % drop their price. Attributes come
-- from a hash of the listing's id, not from the id's arithmetic, so they compress as real data would, not as a pattern.
-- The day's partition is created (or emptied) first; the mart builder attaches one it built instead.
select mart.prepare_day(@day);

insert into mart.fact_listing_daily (snapshot_date, domain, item_id, brand_key, catalog_key, size_key, condition_key, seller_id, price,
                                     currency, previous_price, is_new, price_dropped, favourite_count, run_id, s3_key, item_index)
select @day,
       case when g % 3 = 0 then 'fr' else 'pt' end,
       id,
       1 + h % 40,
       (array[1206, 1231, 1779, 1904, 2050, 1907, 2630, 1242, 2094, 1812, 1193, 2993])[1 + h2 % 12],
       1 + (h / 40) % 8,
       1 + (h2 / 12) % 5,
       10000000 + h2 % (@listings / 4 + 1),
       round(3 + (h % 19700) / 100.0, 2),
       'EUR',
       case when h2 % 200 = @day_number % 200 then round((3 + (h % 19700) / 100.0) * 1.15, 2) end,
       g > @listings * 97 / 100,
       h2 % 200 = @day_number % 200,
       (h / 8) % 250,
       'bench-' || to_char(@day, 'YYYYMMDD'),
       'bench/raw/pt/catalog/dt=' || to_char(@day, 'YYYY-MM-DD') || '/run=bench-' || to_char(@day, 'YYYYMMDD') || '/catalog-' || (h2 % 12) || '/page=' || lpad((g / 96 + 1)::text, 5, '0') || '.json',
       g % 96
from generate_series(1, @listings) as g, lateral (select 4000000000 + (g::bigint + @day_number::bigint * (@listings / 20)) * 37 as id) as listing,
     lateral (select abs(hashint8(id)::bigint) as h, abs(hashint8(id + 1)::bigint) as h2) as hashed;

insert into mart.dim_date (date_key, year, quarter, month, day, iso_week, iso_dow)
values (@day, extract(year from @day), extract(quarter from @day), extract(month from @day), extract(day from @day), extract(week from @day), extract(isodow from @day))
on conflict (date_key) do nothing;
