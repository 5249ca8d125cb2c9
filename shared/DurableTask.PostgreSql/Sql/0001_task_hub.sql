-- The task hub: one schema, chosen by the host (the migrator sets search_path to it).
-- Times are the database's clock (now()), so hosts with skewed clocks still agree on leases and due timers.

-- One row per orchestration instance: its current execution, status and the lease of the worker running it.
create table instances (
    instance_id        text        primary key,
    execution_id       text        not null,
    name               text        not null,
    version            text        not null default '',
    status             smallint    not null,              -- DurableTask.Core.OrchestrationStatus
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    completed_at       timestamptz,
    scheduled_start_at timestamptz,
    -- Payloads as UTF-8 bytes: text cannot hold NUL, which an error message or an output may carry.
    input              bytea,
    output             bytea,
    custom_status      bytea,
    failure_details    text,                              -- JSON
    parent_instance_id text,
    tags               text,                              -- JSON
    history_count      integer     not null default 0,    -- the next history sequence number
    lock_owner         text,
    lock_token         bigint,                            -- fences a checkpoint: only the current lease holder's counts
    locked_until       timestamptz
) with (fillfactor = 80);  -- room for the frequent in-place (HOT) status and lease updates

create index instances_created on instances (created_at desc, instance_id);
create index instances_status on instances (status, created_at);

-- The current execution's history, in order; a new execution (restart, continue-as-new, rewind) replaces it.
create table history (
    instance_id  text     not null,
    sequence     integer  not null,
    execution_id text     not null,
    event_type   smallint not null,                       -- DurableTask.Core.History.EventType
    event        text     not null,                       -- JSON, DurableTask.Core's own serialization, ASCII only
    primary key (instance_id, sequence)
);

-- Messages for orchestrations: starts, activity results, sub-orchestration results, events, timers (visible_at in the future).
create table orchestration_messages (
    id          bigint      generated always as identity primary key,
    instance_id text        not null,
    visible_at  timestamptz not null,
    event_type  smallint    not null,
    message     text        not null                      -- a TaskMessage as JSON
);

create index orchestration_messages_instance on orchestration_messages (instance_id, id);
create index orchestration_messages_visible on orchestration_messages (visible_at, id);

-- Activity calls waiting for or held by a worker.
create table activity_tasks (
    id            bigint      generated always as identity primary key,
    instance_id   text        not null,
    execution_id  text        not null,
    name          text        not null,
    message       text        not null,                   -- a TaskMessage as JSON
    created_at    timestamptz not null default now(),
    dequeue_count integer     not null default 0,
    lock_owner    text,
    lock_token    bigint,
    locked_until  timestamptz
) with (fillfactor = 80);

create index activity_tasks_instance on activity_tasks (instance_id);

-- Lease tokens: every claim takes a new one, so a completion from an expired claim is recognised and dropped.
create sequence lease_tokens;
