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
            sp.Value<StorageOptions>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<LiteDbFile>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var storage = sp.Value<StorageOptions>();
            Directory.CreateDirectory(storage.Path);
            return new MappedAnswerJournal(storage.AnswerJournalFile, storage.AnswerJournalMegabytes);
        });
        services.AddSingleton(sp => new MappedPoisonLedger(sp.Value<StorageOptions>().PoisonLedgerFile, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var journal = sp.GetRequiredService<MappedAnswerJournal>();
            return new LiteDbOutcomeStore(sp.GetRequiredService<LiteDbFile>(), journal.EncodedFor);
        });
        services.AddSingleton<IOutcomeStore>(sp => sp.GetRequiredService<LiteDbOutcomeStore>());
        services.AddSingleton<Core.Records.IOutcomeLog>(sp => sp.GetRequiredService<LiteDbOutcomeStore>());
        return services;
    }
}
