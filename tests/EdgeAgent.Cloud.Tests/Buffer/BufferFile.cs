using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Core.Records;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using EdgeAgent.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Cloud.Tests.Buffer;

/// <summary>The agent's LiteDB file in a folder of its own, and the cloud buffer over it as the agent opens it.</summary>
internal sealed class BufferFile : IDisposable
{
    private readonly TempDirectory _folder = new();

    public BufferFile()
    {
        File = new LiteDbFile(new StorageOptions { Path = _folder.Path }, NullLogger.Instance, TimeProvider.System);
    }

    public LiteDbFile File { get; }

    /// <summary>The buffer as the agent opens it at start; opened again, it is the agent after a restart.</summary>
    public CloudBuffer Open(IOutcomeLog log, CloudOptions? options = null) => new(
        log,
        new LiteDbCheckpoints(File, CloudBuffer.StateCollection),
        new LiteDbQueue(File, QueueStream.CollectionName(CloudStream.Alerts)),
        new LiteDbQueue(File, QueueStream.CollectionName(CloudStream.Metrics)),
        "store-7",
        options ?? new CloudOptions(),
        TimeSpan.FromHours(48));

    public void Dispose()
    {
        File.Dispose();
        _folder.Dispose();
    }
}
