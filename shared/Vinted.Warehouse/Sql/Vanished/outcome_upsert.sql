-- What the lookups of one batch found. A verdict (sold, withdrawn) is never replaced by an unknown: a later lookup that
-- was blocked or found nothing clear says nothing new about a listing an earlier one settled.
insert into core.item_vanish_outcome (domain, item_id, vanished_on, outcome, reason, http_status, s3_key, run_id, looked_up_at)
select @domain, o.item_id, @observed_date, o.outcome, o.reason, o.http_status, o.s3_key, @run_id, o.looked_up_at
from unnest(@item_ids, @outcomes, @reasons, @http_statuses, @s3_keys, @looked_up_at)
     as o (item_id, outcome, reason, http_status, s3_key, looked_up_at)
on conflict (domain, item_id, vanished_on) do update
set outcome = excluded.outcome, reason = excluded.reason, http_status = excluded.http_status, s3_key = excluded.s3_key,
    run_id = excluded.run_id, looked_up_at = excluded.looked_up_at
where excluded.outcome <> 'unknown' or core.item_vanish_outcome.outcome = 'unknown';
