-- Lean replay (issue 23): the inputs of scheduled activity calls and sub-orchestrations are kept beside their history
-- event, not inside it. Replay never reads them (the call's own message carries the input), so a work item reads
-- only what replay needs; the history shown to a client puts them back. Rows written before this keep them inline.
alter table history add column payload text;
