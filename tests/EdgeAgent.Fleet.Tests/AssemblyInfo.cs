// Each cluster is a redis-server and three silo processes; two at once would only fight for the same cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
