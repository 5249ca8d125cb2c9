select domain, seller_id, login, business from mart.dim_seller order by domain, seller_id;
