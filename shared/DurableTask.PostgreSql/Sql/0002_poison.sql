-- Poison handling (issue 23): work that fails on every delivery is set aside after a bound instead of being retried for
-- ever, and a row that cannot be read no longer holds up the rest of its batch.

-- How many times an orchestration message was handed to a worker; its checkpoint deletes it.
alter table orchestration_messages add column dequeue_count integer not null default 0;

-- Messages and activity calls set aside, with the reason: for an operator to read, fix and (by hand) send again.
create table poison_messages (
    id            bigint      generated always as identity primary key,
    queue         text        not null,                   -- 'orchestration' or 'activity'
    original_id   bigint      not null,                   -- the row's id in its queue
    instance_id   text        not null,
    message       text        not null,                   -- as it was stored
    dequeue_count integer     not null,
    error         text        not null,
    set_aside_at  timestamptz not null default now()
);

create index poison_messages_instance on poison_messages (instance_id);
