-- Lean replay (issue 23): the inputs of scheduled activity calls and sub-orchestrations are kept beside their history
-- event, not inside it. Replay never reads them (the call's own message carries the input), so a work item reads
-- only what replay needs; the history shown to a client puts them back. Rows written before this keep them inline.
alter table history add column payload text;

-- The checkpoint's fence in one round trip: a batch runs as one implicit transaction, and its first statement calls this
-- when the instance is no longer leased to the worker, so nothing of the batch is written.
create function lease_lost() returns integer language plpgsql volatile as $$
begin
    raise exception 'the instance''s lease is no longer this worker''s' using errcode = 'DTL01';
end
$$;
