-- Issue 21: the statistics of the sighting history after a normalized date. ANALYZE of a partitioned table (PostgreSQL
-- 15) samples the whole history for the parent's statistics and then analyzes every partition again, month after month:
-- 10.9 s of normalize on day 31 of the 1,000,000-listing month, a second a day at its start. The date's month partition
-- is analyzed every time (the statements with a date read its statistics). The parent's, which only estimates joins on
-- a date taken from another table, are taken again when the history has grown by a tenth since they were taken:
-- autovacuum's own threshold, and autovacuum never analyzes a partitioned table.
create function core.analyze_history(p_date date) returns void
language plpgsql as $$
declare
    parent  text;
    known   real;
    counted real;
begin
    foreach parent in array array['item_sighting', 'scope_sighting'] loop
        execute format('analyze core.%I', parent || '_' || to_char(p_date, 'YYYYMM'));
        -- reltuples: the parent's as of its last ANALYZE (-1 before the first), the partitions' as of theirs.
        select c.reltuples into known from pg_class c where c.oid = format('core.%I', parent)::regclass;
        select coalesce(sum(greatest(c.reltuples, 0)), 0) into counted
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = format('core.%I', parent)::regclass;
        if known <= 0 or counted > 1.1 * known then
            execute format('analyze core.%I', parent);
        end if;
    end loop;
end
$$;
