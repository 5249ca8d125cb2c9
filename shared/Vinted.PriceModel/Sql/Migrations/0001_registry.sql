-- The price model's registry, MLflow's ideas in our own store: training runs (parameters, data window, metrics, code
-- version), model versions (the file in S3 and its SHA-256) and aliases ("production") with their history.
create schema if not exists model_registry;

create table model_registry.training_run (
    run_id             text        primary key,
    model_name         text        not null,
    currency           text        not null,
    started_at         timestamptz not null,
    finished_at        timestamptz,
    -- registered (a version was made), too_little_data (nothing trained) or failed.
    status             text        not null,
    note               text,
    trainer            text        not null,
    parameters         jsonb       not null,
    code_version       text        not null,
    train_from         date,
    train_to           date,
    test_day           date,
    train_rows         int,
    test_rows          int,
    mae                numeric,
    mape               numeric,
    r2                 numeric,
    baseline_mae       numeric,
    baseline_mape      numeric,
    baseline_r2        numeric,
    beats_baseline     boolean,
    training_seconds   numeric,
    feature_importance jsonb
);
create index training_run_model on model_registry.training_run (model_name, started_at);

create table model_registry.model_version (
    model_name     text        not null,
    version        int         not null,
    run_id         text        not null unique,
    s3_key         text        not null,
    sha256         text        not null,
    size_bytes     bigint      not null,
    beats_baseline boolean     not null,
    created_at     timestamptz not null,
    primary key (model_name, version)
);

create table model_registry.model_alias (
    model_name text        not null,
    alias      text        not null,
    version    int         not null,
    set_at     timestamptz not null,
    primary key (model_name, alias)
);

-- Every move of an alias, so a rollback knows where it came from.
create table model_registry.alias_event (
    id         bigint      generated always as identity primary key,
    model_name text        not null,
    alias      text        not null,
    version    int         not null,
    previous   int,
    reason     text        not null,
    set_at     timestamptz not null
);
