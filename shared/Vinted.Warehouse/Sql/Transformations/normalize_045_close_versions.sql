-- The daily case (the date is after every normalized date): a disappearance ends the open price version, so the
-- history shows when the listing stopped being offered, and marks the listing.
update core.item_state i
set vanished_on = @observed_date
from core.item_vanish v
where v.vanished_on = @observed_date
  and i.domain = v.domain and i.item_id = v.item_id and i.last_seen < @observed_date;

update core.item_price_history h
set valid_to = @observed_date
from core.item_vanish v
where v.vanished_on = @observed_date
  and h.domain = v.domain and h.item_id = v.item_id and h.valid_to is null and h.valid_from < @observed_date;
