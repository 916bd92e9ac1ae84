using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Cloud;
using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using EdgeAgent.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Benchmarks;

/// <summary>
/// What the record costs a payment at light load, where every group commit holds one payment: the production path (the
/// answer journal's append, the store's commit with its flush to the device, the journal told it is committed) run
/// <c>count</c> times on one thread after a warm-up, with the store's default settings (checkpoints included). It counts
/// rather than times, because the machine it runs on is shared: bytes allocated on this thread and in the process, the
/// store's write transactions and flushes, and the bytes and write calls the process handed to the kernel
/// (<c>/proc/self/io</c>). CPU time is reported beside them, for what it is worth on a busy machine.
/// <code>dotnet tests/EdgeAgent.Benchmarks/bin/Release/net10.0/EdgeAgent.Benchmarks.dll record-cost [count] [payments per commit] [options]</code>
/// Options: <c>--cloud</c> also runs the cloud sync's alert scan after each commit, as its scan loop did when the record
/// signalled a commit, and <c>--scan-every=N</c> after every N commits, as the gathering scan loop does at N payments per
/// gathering (the sync's other loops are paced per message, not per commit); <c>--checkpoint-pages=N</c> sets
/// <see cref="StorageOptions.CheckpointPages"/>; <c>--types</c> lists the types that take the most bytes.
/// </summary>
internal static class RecordCost
{
    public static int Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        var perCommit = args.Length > 1 && !args[1].StartsWith('-') ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        using var types = args.Contains("--types") ? new AllocationTypes() : null;
        var scanEvery = args.FirstOrDefault(a => a.StartsWith("--scan-every=", StringComparison.Ordinal)) is { } every
            ? int.Parse(every[13..], CultureInfo.InvariantCulture)
            : 0;
        var folder = Directory.CreateTempSubdirectory("edgeagent-record-cost-").FullName;
        try
        {
            var options = new StorageOptions { Path = folder };
            if (args.FirstOrDefault(a => a.StartsWith("--checkpoint-pages=", StringComparison.Ordinal)) is { } pages)
            {
                options.CheckpointPages = int.Parse(pages[19..], CultureInfo.InvariantCulture);
            }

            var file = new LiteDbFile(options, NullLogger.Instance, TimeProvider.System);
            using var store = new LiteDbOutcomeStore(file);
            using var journal = new MappedAnswerJournal(options.AnswerJournalFile, options.AnswerJournalMegabytes);
            var scanner = args.Contains("--cloud") || scanEvery > 0 ? Cloud(file, store).Scanner : null;
            scanEvery = Math.Max(scanEvery, 1);
            long sequence = 0;
            var warmup = Math.Max(500, count / 5);
            var batches = Build(warmup + count, perCommit, ref sequence);
            for (var i = 0; i < warmup; i++)
            {
                Commit(store, journal, batches[i]);
                if (i % scanEvery == 0)
                {
                    scanner?.ScanOnce();
                }
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var (writtenBefore, callsBefore) = KernelWrites();
            var (transactionsBefore, flushesBefore) = (file.Writes, file.Flushes);
            var threadBefore = GC.GetAllocatedBytesForCurrentThread();
            var processBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var gen0Before = GC.CollectionCount(0);
            types?.Listening = true;
            for (var i = warmup; i < batches.Length; i++)
            {
                Commit(store, journal, batches[i]);
                if (i % scanEvery == 0)
                {
                    scanner?.ScanOnce();
                }
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            types?.Listening = false;
            var processBytes = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
            var threadBytes = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
            var (writtenAfter, callsAfter) = KernelWrites();
            var payments = (double)count * perCommit;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                commits {count}, {perCommit} payment(s) each, after {warmup} warm-up commits{(scanner is null ? "" : scanEvery == 1 ? ", the alert scan after each" : $", the alert scan after every {scanEvery}")}
                allocated per payment: {threadBytes / payments:F0} B on the committing thread, {processBytes / payments:F0} B in the process
                store writes (LiteDB transactions) per commit: {(file.Writes - transactionsBefore) / (double)count:F3}; flushes per commit: {(file.Flushes - flushesBefore) / (double)count:F3}
                bytes written to files per commit: {(writtenAfter - writtenBefore) / (double)count:F0} in {(callsAfter - callsBefore) / (double)count:F2} write calls
                gen0 collections: {GC.CollectionCount(0) - gen0Before}
                CPU per payment: {cpu.TotalMicroseconds / payments:F1} µs (a shared machine: read with care)
                """));
            foreach (var (type, bytes) in types?.Top(15) ?? [])
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sampled {bytes / payments,8:F0} B per payment  {type}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The cloud buffer over the record, as the agent opens it when a cloud is configured.</summary>
    private static CloudBuffer Cloud(LiteDbFile file, LiteDbOutcomeStore store) => new(
        store,
        new LiteDbCheckpoints(file, CloudBuffer.StateCollection),
        new LiteDbQueue(file, QueueStream.CollectionName(CloudStream.Alerts)),
        new LiteDbQueue(file, QueueStream.CollectionName(CloudStream.Metrics)),
        "record-cost",
        new CloudOptions(),
        TimeSpan.FromHours(48));

    private static void Commit(LiteDbOutcomeStore store, MappedAnswerJournal journal, Outcome[] outcomes)
    {
        // As the scoring loop's answer delivery and the record loop do it: journaled first, committed, then released.
        var journaled = journal.Append(outcomes);
        store.Commit([new ScoredBatch(outcomes) { Journaled = journaled }]);
        journal.Committed(outcomes[^1].Sequence);
    }

    private static Outcome[][] Build(int commits, int perCommit, ref long sequence)
    {
        var batches = new Outcome[commits][];
        for (var i = 0; i < commits; i++)
        {
            batches[i] = new Outcome[perCommit];
            for (var j = 0; j < perCommit; j++)
            {
                batches[i][j] = RecordBenchmarks.Scored(++sequence);
            }
        }

        return batches;
    }

    /// <summary>The bytes this process passed to write calls and how many calls (Linux; zeros elsewhere).</summary>
    private static (long Bytes, long Calls) KernelWrites()
    {
        long bytes = 0, calls = 0;
        if (!File.Exists("/proc/self/io"))
        {
            return (0, 0);
        }

        foreach (var line in File.ReadAllLines("/proc/self/io"))
        {
            var parts = line.Split(':', StringSplitOptions.TrimEntries);
            if (parts[0] == "wchar")
            {
                bytes = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            else if (parts[0] == "syscw")
            {
                calls = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return (bytes, calls);
    }
}
