-- Issue 21: staging rows no longer carry the item's JSON. The raw zone keeps every page byte for byte and a row's
-- S3 key and item index find its item there (the lineage test follows them), so the copy was a second raw zone: three
-- quarters of the run's partition (1,946 MB for 999,393 rows), sent through the COPY, parsed into jsonb by the server,
-- and read again by every scan of the day's rows in normalize and its checks. Rejected items keep their bytes.
alter table staging.item_observation drop column raw;
