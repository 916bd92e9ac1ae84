using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.IntegrationTests;

/// <summary>The free-space reserve is checked from the first commit on, not only after an I/O failure.</summary>
public sealed class FreeSpaceGuardTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void BelowTheReserve_TheFirstCheckRefuses_AsADeviceThatIsFull()
    {
        // More free space than any device has: the reserve cannot be met.
        using var file = new LiteDbFile(new StorageOptions { Path = _data.Path, MinFreeMegabytes = 1e12 }, NullLogger.Instance, TimeProvider.System);

        var refused = Assert.Throws<StoreUnavailableException>(file.EnsureSpace);

        Assert.True(refused.DeviceFull);
    }
}
