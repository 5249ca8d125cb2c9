-- The insight pages' filter, written once for the three fact tables: a day range, then a currency, a domain, a brand
-- title and a catalog, each null for "any". Each is a single stable SQL select, which the planner inlines into the
-- query that calls it, so the date range still prunes the partitions.
create function mart.filtered_listing_daily(p_from date, p_to date, p_currency text, p_domain text, p_brand text, p_catalog bigint)
returns setof mart.fact_listing_daily
language sql stable as $$
    select f.*
    from mart.fact_listing_daily f
    where f.snapshot_date between p_from and p_to
      and (p_currency is null or f.currency = p_currency)
      and (p_domain is null or f.domain = p_domain)
      and (p_brand is null or f.brand_key in (select b.brand_key from mart.dim_brand b where b.title = p_brand))
      and (p_catalog is null or f.catalog_key = p_catalog)
$$;

create function mart.filtered_listing_vanished(p_from date, p_to date, p_currency text, p_domain text, p_brand text, p_catalog bigint)
returns setof mart.fact_listing_vanished
language sql stable as $$
    select v.*
    from mart.fact_listing_vanished v
    where v.vanished_on between p_from and p_to
      and (p_currency is null or v.currency = p_currency)
      and (p_domain is null or v.domain = p_domain)
      and (p_brand is null or v.brand_key in (select b.brand_key from mart.dim_brand b where b.title = p_brand))
      and (p_catalog is null or v.catalog_key = p_catalog)
$$;

create function mart.filtered_listing_out_of_view(p_from date, p_to date, p_currency text, p_domain text, p_brand text, p_catalog bigint)
returns setof mart.fact_listing_out_of_view
language sql stable as $$
    select o.*
    from mart.fact_listing_out_of_view o
    where o.out_of_view_on between p_from and p_to
      and (p_currency is null or o.currency = p_currency)
      and (p_domain is null or o.domain = p_domain)
      and (p_brand is null or o.brand_key in (select b.brand_key from mart.dim_brand b where b.title = p_brand))
      and (p_catalog is null or o.catalog_key = p_catalog)
$$;
