-- Issue 22: svc-catalogue may leave a listing's brand, size and condition out of the flat fields (brand_title,
-- size_title, status) and draw them only on its card (item_box); the loader reads the card then, and every layer keeps
-- where the values came from, so the model and the pages can tell: 'flat', 'card', 'mixed' (some of each), or null
-- (none of the three was there). And promoted cards, adverts placed into the results that need not match the search:
-- kept as observations and sightings, flagged, but never a result of the search (not for completeness, not for
-- disappearance, not in the aggregates).
alter table staging.item_observation
    add column attribute_source text,
    add column promoted         boolean not null default false;

-- The scope's promoted cards, counted apart from its items (which are its results).
alter table staging.run_scope
    add column promoted_items bigint not null default 0;

-- The day's own: a listing seen only as a promoted card that day is promoted that day.
alter table core.item_sighting
    add column attribute_source text,
    add column promoted         boolean not null default false;

alter table mart.fact_listing_daily
    add column attribute_source text,
    add column promoted         boolean not null default false;
