using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using StackExchange.Redis;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// A grain whose Redis store fails reaches its caller with Redis's failure, through the serializer a silo and the fleet's
/// clients build: Orleans serializes only the exceptions of the namespaces it is told to.
/// </summary>
public sealed class FleetWireTests
{
    private static Serializer SerializerFor(Action<ExceptionSerializationOptions>? exceptions)
    {
        var services = new ServiceCollection().AddSerializer();
        if (exceptions is not null)
        {
            services.Configure(exceptions);
        }

        return services.BuildServiceProvider().GetRequiredService<Serializer>();
    }

    private static readonly RedisConnectionException StoreFailure =
        new(ConnectionFailureType.UnableToConnect, "No connection is active/available to service this operation: HGETALL card/abc");

    [Fact]
    public void StoreFailure_CrossesTheWire_AsItself()
    {
        var serializer = SerializerFor(FleetWire.Exceptions);

        var back = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(StoreFailure));

        var failure = Assert.IsType<RedisConnectionException>(back);
        Assert.Equal(StoreFailure.Message, failure.Message);
    }

    [Fact]
    public void StoreFailure_WithoutTheRule_HasNoCodec()
    {
        // What the rule is for: with Orleans' defaults the silo cannot send Redis's exception at all, and the caller got
        // CodecNotFoundException in its place.
        var serializer = SerializerFor(null);

        Assert.Throws<CodecNotFoundException>(() => serializer.SerializeToArray<Exception>(StoreFailure));
    }
}
