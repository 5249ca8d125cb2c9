select condition_key, domain, title, vinted_id from mart.dim_condition order by condition_key;
