using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;

namespace EdgeAgent.Hosting;

/// <summary>The record and the files beside it: the LiteDB file, the answer journal, the poison ledger.</summary>
public static class RecordServices
{
    public static IServiceCollection AddRecord(this IServiceCollection services)
    {
        services.AddSingleton(sp => new LiteDbFile(
            sp.Value<StorageOptions>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<LiteDbFile>(), sp.GetRequiredService<TimeProvider>(),
            FlushFault(sp)));
        services.AddSingleton(sp =>
        {
            var storage = sp.Value<StorageOptions>();
            Directory.CreateDirectory(storage.Path);
            return new MappedAnswerJournal(storage.AnswerJournalFile, storage.AnswerJournalMegabytes);
        });
        services.AddSingleton(sp => new MappedPoisonLedger(sp.Value<StorageOptions>().PoisonLedgerFile, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new LiteDbOutcomeStore(sp.GetRequiredService<LiteDbFile>()));
        services.AddSingleton<IOutcomeStore>(sp => sp.GetRequiredService<LiteDbOutcomeStore>());
        services.AddSingleton<Core.Records.IOutcomeLog>(sp => sp.GetRequiredService<LiteDbOutcomeStore>());
        return services;
    }

    private static Func<IOException?>? FlushFault(IServiceProvider services)
    {
#if DEBUG
        var failAt = services.Value<Diagnostics.FaultOptions>().FailFlush;
        if (failAt <= 0)
        {
            return null;
        }

        var flushes = 0;
        return () => Interlocked.Increment(ref flushes) == failAt ? new IOException("fdatasync failed: errno 5 (fault injection)", 5) : null;
#else
        _ = services;
        return null;
#endif
    }
}
