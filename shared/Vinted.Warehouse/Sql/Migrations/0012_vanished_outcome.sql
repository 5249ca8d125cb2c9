-- Issue 22: a vanished listing was sold or withdrawn. After the mart, the pipeline looks its public item page up (all of the
-- day's vanished listings, or a sample per domain) and records what the page said; the mart splits vanished into sold,
-- withdrawn and unknown, and time to sell counts sold listings only.
create table core.item_vanish_outcome (
    domain       text        not null,
    item_id      bigint      not null,
    vanished_on  date        not null,
    outcome      text        not null check (outcome in ('sold', 'withdrawn', 'unknown')),
    -- The evidence: what the page showed (or why there was no page), so every verdict can be explained.
    reason       text        not null,
    http_status  int,
    s3_key       text,
    run_id       text        not null,
    looked_up_at timestamptz not null,
    primary key (domain, item_id, vanished_on)
);

-- 'unknown' until a lookup says otherwise: a listing not looked up (above the sample) or whose page said nothing clear.
alter table mart.fact_listing_vanished
    add column outcome text not null default 'unknown' check (outcome in ('sold', 'withdrawn', 'unknown'));

-- Beside vanished_listings (kept: sold + withdrawn + unknown = vanished). avg_days_to_sell now means sold listings only;
-- no listing of an earlier day has a known outcome, so their time to sell is unknown rather than a mix of both.
alter table mart.agg_daily_brand_catalog
    add column sold_listings            bigint not null default 0,
    add column withdrawn_listings       bigint not null default 0,
    add column unknown_outcome_listings bigint not null default 0;
update mart.agg_daily_brand_catalog set unknown_outcome_listings = vanished_listings, avg_days_to_sell = null
where vanished_listings > 0;
