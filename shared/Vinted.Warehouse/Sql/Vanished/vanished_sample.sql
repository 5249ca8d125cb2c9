-- The day's vanished listings to look up, per domain: every one, or @max_per_domain of them when there are more. The
-- sample is a fixed pseudo-random order (a hash of the listing and the date), so a retry or a replay picks the same ones.
select domain, item_id, total
from (
    select domain, item_id,
           count(*) over (partition by domain) as total,
           row_number() over (partition by domain
                              order by hashtextextended(item_id::text || '/' || vanished_on::text, 22), item_id) as n
    from core.item_vanish
    where vanished_on = @observed_date
) v
where n <= @max_per_domain
order by domain, item_id;
