// The fault tests kill processes, restart brokers and fill a disk: run one at a time, so that a kill or a full disk
// in one test never lands in another's measurements, and the 2-core CI machine is not oversubscribed.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
