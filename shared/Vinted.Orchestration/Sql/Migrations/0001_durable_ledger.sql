-- The orchestration ledger: one row per instance, one row per activity call (step).
create schema if not exists durable;

create table durable.instances (
    id                text        primary key,
    name              text        not null,
    status            text        not null,        -- Pending, Running, Completed, Failed, Terminated
    input             jsonb,
    output            jsonb,
    custom_status     jsonb,
    error             text,
    -- Steps scheduled and not yet finished. The orchestrator is woken when this reaches zero, so a
    -- fan-out of N activities costs one re-execution, not N.
    outstanding       int         not null default 0,
    wake_pending      boolean     not null default true,
    wake_requested_at timestamptz,
    executions        int         not null default 0,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    completed_at      timestamptz
);
create index instances_created on durable.instances (created_at desc, id desc);
create index instances_name_status on durable.instances (name, status);
create index instances_wake on durable.instances (wake_requested_at) where wake_pending;

create table durable.steps (
    instance_id     text        not null references durable.instances (id) on delete cascade,
    seq             int         not null,          -- the call's position in the orchestrator: its identity
    name            text        not null,
    queue           text        not null,
    input           jsonb,
    input_hash      text        not null,
    retry           jsonb       not null,
    status          text        not null,          -- Scheduled, Running, Retrying, Completed, Failed
    output          jsonb,
    error           text,
    errors          jsonb       not null default '[]',
    attempts        int         not null default 0,
    rewinds         int         not null default 0,
    scheduled_at    timestamptz not null,
    enqueued_at     timestamptz,
    started_at      timestamptz,
    next_attempt_at timestamptz,
    completed_at    timestamptz,
    primary key (instance_id, seq)
);
create index steps_undispatched on durable.steps (scheduled_at) where status in ('Scheduled', 'Retrying');

-- One row per timer slot: whichever host inserts it owns the slot.
create table durable.timer_slots (
    schedule    text        not null,
    slot        timestamptz not null,
    instance_id text        not null,
    outcome     text        not null,              -- Started or Skipped
    reason      text,
    recorded_at timestamptz not null,
    primary key (schedule, slot)
);
