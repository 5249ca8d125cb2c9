-- Issue 21: the history's indexes by listing, made cheap to keep.
--
-- item_sighting_listing was (domain, item_id, observed_date): unique per entry, so each day's entry of a listing went
-- into the leaf beside its earlier days', and a day of 1,000,000 listings touched nearly every leaf of the month
-- partition's index (1.5 GB by day 30), the more the later in the month. On (domain, item_id) alone the entries of a
-- listing share one key, which btree deduplication stores once with a list of row pointers: a fraction of the pages.
-- The day's price observations on day 31 of the 1,000,000-listing month, replayed and rolled back: 16.4-18.8 s with
-- the old index, 11.9 s with this one, 10.3 s with none. Its readers (rebuilding a late date's listings, finding a
-- listing without sightings) look listings up by (domain, item_id) and sort their days themselves. On a warehouse that
-- already holds history, this builds the index over all of it while the migration holds the table (27 s for a month of
-- 1,000,000 listings here).
drop index core.item_sighting_listing;
create index item_sighting_listing on core.item_sighting (domain, item_id);

-- item_vanish_listing (domain, item_id) repeated the leading columns of the primary key (domain, item_id, vanished_on),
-- which serves every lookup by listing as well.
drop index core.item_vanish_listing;
