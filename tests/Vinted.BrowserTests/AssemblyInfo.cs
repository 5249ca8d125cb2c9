// One browser, one host, one database: classes run one at a time (the machine has two cores).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
