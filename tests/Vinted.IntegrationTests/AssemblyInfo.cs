// Test classes share one PostgreSQL cluster, one S3 server and two cores; Hangfire also keeps global
// state per process. One class at a time keeps timings honest and hosts independent.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
