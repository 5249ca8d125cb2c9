// Test classes share one Azurite (a single Node process) and two cores; one class at a time keeps hosts independent
// and the emulator responsive. Each class still has its own task hub, so none sees another's instances.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
