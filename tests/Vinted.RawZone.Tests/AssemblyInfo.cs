// Test classes share one PostgreSQL cluster, one S3 server, one Azurite and two cores (each class has its own
// database, S3 prefix and task hub). One class at a time keeps timings honest and hosts independent.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
