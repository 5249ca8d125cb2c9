-- Day 2 no slower than day 1: every daily run updates each listing it sees in core.item (last seen, price, favourites)
-- and closes price versions in core.item_price_history. With full pages an update cannot stay on its page (no HOT
-- update): it writes a new tuple elsewhere and a new entry in every index. Free space on each page lets those
-- updates happen in place. Applies to pages written from now on; a VACUUM FULL or a backfill into a fresh database
-- gives existing pages the room too.
alter table core.item set (fillfactor = 70);
alter table core.item_price_history set (fillfactor = 85);
alter table core.seller set (fillfactor = 80);
