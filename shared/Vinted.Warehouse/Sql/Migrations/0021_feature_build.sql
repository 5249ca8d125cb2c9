-- Where a mart build's features are computed before they join its transaction (mart_005_feature_build.sql): the
-- features are read from the committed normalized model on a connection of their own while the build's transaction
-- writes the dimensions, facts and aggregates, so the day's two heaviest statements share the two cores (issue 21).
-- Unlogged and unindexed: it holds one build's rows for seconds, the build empties it in its transaction, and what a
-- crash leaves is emptied by the next build before it writes.
create unlogged table mart.feature_build (like mart.fact_listing_features including defaults);

-- A rebuild of many days reads each day's rows back while the next days' are written.
create index feature_build_day on mart.feature_build (snapshot_date);
