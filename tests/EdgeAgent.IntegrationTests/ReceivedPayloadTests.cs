using System.Buffers;
using System.Text;
using EdgeAgent.Mqtt;

namespace EdgeAgent.IntegrationTests;

/// <summary>The pipeline wipes the payload it is given; that must wipe the transport's own buffer, not a copy of it.</summary>
public sealed class ReceivedPayloadTests
{
    private static readonly byte[] Payment = Encoding.UTF8.GetBytes("""{"pan":"4111111111111111"}""");

    [Fact]
    public void WipingWhatThePipelineGets_WipesTheReceivedBuffer()
    {
        var received = new byte[Payment.Length + 8];
        Payment.CopyTo(received, 4);

        var payload = ReceivedPayload.Take(new ReadOnlySequence<byte>(received, 4, Payment.Length), 1024);
        Assert.Equal(Payment, payload.ToArray());
        payload.Span.Clear();

        Assert.All(received, b => Assert.Equal(0, b));
    }

    [Fact]
    public void APayloadInSeveralSegments_IsCopiedOnce_AndTheSegmentsWipedAtOnce()
    {
        var first = Payment[..10];
        var second = Payment[10..];
        var start = new Segment(first);
        var end = start.Append(second);

        var payload = ReceivedPayload.Take(new ReadOnlySequence<byte>(start, 0, end, second.Length), 1024);

        Assert.Equal(Payment, payload.ToArray());
        Assert.All(first, b => Assert.Equal(0, b));
        Assert.All(second, b => Assert.Equal(0, b));
    }

    [Fact]
    public void APayloadOverTheLimit_IsNotHandedOn_AndIsWiped()
    {
        var received = Payment.ToArray();

        var payload = ReceivedPayload.Take(new ReadOnlySequence<byte>(received), 8);

        Assert.True(payload.IsEmpty);
        Assert.All(received, b => Assert.Equal(0, b));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory) => Memory = memory;

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
