-- Effects of the fan-out probe: one row per item, with how many times its activity ran.
create schema if not exists diagnostics;

create table diagnostics.probe_effects (
    instance_id text        not null,
    item        int         not null,
    attempts    int         not null,
    first_at    timestamptz not null,
    last_at     timestamptz not null,
    primary key (instance_id, item)
);
