-- When the instance's steps were last handed to Hangfire. A large fan-out takes a while to enqueue; the
-- sweeper leaves an instance alone while this moves, and takes over its undispatched steps once it stops.
alter table durable.instances add column last_dispatch_at timestamptz;
