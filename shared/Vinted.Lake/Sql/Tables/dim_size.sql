select size_key, title, vinted_id from mart.dim_size order by size_key;
