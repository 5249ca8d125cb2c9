select catalog_key, vinted_id from mart.dim_catalog order by catalog_key;
