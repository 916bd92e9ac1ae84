using System.Buffers.Binary;
using System.Diagnostics;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage.Files;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// The poison ledger on a real file: messages are known by a hash keyed with the file's own random key, so the file holds
/// nothing computable from a guessed card number, and the key lasts across restarts so a redelivery is recognised.
/// </summary>
public sealed class PoisonLedgerTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string LedgerFile => Path.Combine(_data.Path, "processing.ledger");

    private static InboundMessage Message(string pan) => new()
    {
        Topic = "pos/s1/t1/payments",
        Payload = Payloads.Payment("tx-1", pan: pan),
        ReceivedTimestamp = Stopwatch.GetTimestamp(),
        ReceivedAt = DateTimeOffset.UtcNow,
        Settlement = null!,
    };

    private static bool Holds(byte[] file, long hash)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, hash);
        return file.AsSpan().IndexOf(bytes) >= 0;
    }

    [Fact]
    public void AMessageInACrash_IsKnownByAKeyedHash_ThatOnlyThisLedgerComputes()
    {
        var message = Message(Payloads.Pan);
        long hash;
        using (var ledger = new MappedPoisonLedger(LedgerFile, TimeProvider.System))
        {
            hash = ledger.HashOf(message);
            Assert.NotEqual(UnkeyedHash.Of(message), hash);
            Assert.NotEqual(hash, ledger.HashOf(Message("5555555555554444")));
            ledger.Enter(hash);

            // The process dies here, the message in its slot.
            var onDisk = File.ReadAllBytes(LedgerFile);
            Assert.True(Holds(onDisk, hash));
            Assert.False(Holds(onDisk, UnkeyedHash.Of(message)));
        }

        using (var reopened = new MappedPoisonLedger(LedgerFile, TimeProvider.System))
        {
            Assert.Equal(1, reopened.InLastCrash);
            Assert.Equal(hash, reopened.HashOf(message));
            Assert.Equal(1, reopened.Crashes(reopened.HashOf(message)));
        }

        using var another = new MappedPoisonLedger(Path.Combine(_data.Path, "another.ledger"), TimeProvider.System);
        Assert.NotEqual(hash, another.HashOf(message));
    }

    [Fact]
    public void ALedgerWithoutAKey_HasItsUnkeyedHashesWiped()
    {
        // An older agent's file: 90,112 bytes, a slot holding an unkeyed hash in a crash.
        var message = Message(Payloads.Pan);
        var old = new byte[(4096 * 16) + (1024 * 24)];
        BinaryPrimitives.WriteInt64LittleEndian(old.AsSpan(16), UnkeyedHash.Of(message));
        BinaryPrimitives.WriteInt64LittleEndian(old.AsSpan(24), 1);
        File.WriteAllBytes(LedgerFile, old);

        using (var ledger = new MappedPoisonLedger(LedgerFile, TimeProvider.System))
        {
            Assert.Equal(0, ledger.InLastCrash);
            Assert.Equal(0, ledger.SuspectCount);
        }

        Assert.False(Holds(File.ReadAllBytes(LedgerFile), UnkeyedHash.Of(message)));
    }
}
