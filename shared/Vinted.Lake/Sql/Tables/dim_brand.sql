select brand_key, title, vinted_id from mart.dim_brand order by brand_key;
