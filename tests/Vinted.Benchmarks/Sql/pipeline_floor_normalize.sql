-- The normalize stage's floor: the rows it wrote for the day (listings, their state, sightings, scopes' listings, photos)
-- inserted into empty tables of the same shape, keys and indexes, in one statement each. What normalize does beyond this
-- (matching against history, judging disappearances, versioning prices) is its cost over the floor.
create unlogged table floor_item_attributes (like core.item_attributes including defaults including indexes);
create unlogged table floor_item_state (like core.item_state including defaults including indexes);
create unlogged table floor_item_sighting (like core.item_sighting including defaults including indexes);
create unlogged table floor_scope_listing_set (like core.scope_listing_set including defaults including indexes including storage);
create unlogged table floor_photo (like core.photo including defaults including indexes);
insert into floor_item_attributes select a.* from core.item_attributes a join core.item_sighting s using (domain, item_id) where s.observed_date = @day;
insert into floor_item_state select t.* from core.item_state t join core.item_sighting s using (domain, item_id) where s.observed_date = @day;
insert into floor_item_sighting select * from core.item_sighting where observed_date = @day;
insert into floor_scope_listing_set select * from core.scope_listing_set where observed_date = @day;
insert into floor_photo select p.* from core.photo p join core.item_sighting s using (domain, item_id) where s.observed_date = @day;
