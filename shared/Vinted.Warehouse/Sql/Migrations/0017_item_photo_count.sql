-- Issue 21: each listing keeps its number of photos, maintained by normalize_030 as photos are added or move, so the
-- mart's features no longer count every photo ever seen for each day they build (3 s of the features' 7.3 s on day 21
-- of the 1,000,000-listing month, and growing by the day's new photos).
alter table core.item_attributes add column photo_count integer not null default 0;

update core.item_attributes a
set photo_count = p.photos
from (select domain, item_id, count(*) as photos from core.photo group by domain, item_id) p
where a.domain = p.domain and a.item_id = p.item_id;
