-- Data-quality results: one row per run, stage and check; a re-run of a stage replaces its rows.
create schema if not exists quality;

create table quality.check_result (
    run_id     text        not null,
    stage      text        not null,
    check_name text        not null,
    passed     boolean     not null,
    observed   numeric,
    expected   numeric,
    blocking   boolean     not null,
    details    text,
    checked_at timestamptz not null,
    primary key (run_id, stage, check_name)
);

-- ISO codes of the currencies Vinted's sites price in; a new site means a new row, not a code change.
create table quality.known_currency (code text primary key);
insert into quality.known_currency values
    ('EUR'), ('GBP'), ('USD'), ('PLN'), ('CZK'), ('HUF'), ('RON'), ('SEK'), ('DKK'), ('CHF'), ('CAD');
