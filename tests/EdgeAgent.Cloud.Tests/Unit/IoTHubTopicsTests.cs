using EdgeAgent.Cloud.IoTHub;

namespace EdgeAgent.Cloud.Tests.Unit;

public sealed class IoTHubTopicsTests
{
    [Fact]
    public void Events_EncodeThePropertyBagAsTheSdkDoes()
    {
        var topic = IoTHubTopics.Events("store 7", null, [new("$.mid", "ab-records-1-5"), new("$.ct", "application/json"), new("$.ce", "utf-8"), new("messageType", "records")]);

        Assert.Equal("devices/store 7/messages/events/%24.mid=ab-records-1-5&%24.ct=application%2Fjson&%24.ce=utf-8&messageType=records", topic);
    }

    [Fact]
    public void ModuleEvents_GoUnderTheModule()
    {
        Assert.Equal("devices/edge1/modules/scorer/messages/events/%24.on=alerts", IoTHubTopics.Events("edge1", "scorer", [new("$.on", "alerts")]));
    }

    [Fact]
    public void TwinResponse_IsParsed()
    {
        Assert.True(IoTHubTopics.TryParseTwinResponse("$iothub/twin/res/204/?$rid=17&$version=4", out var status, out var rid));
        Assert.Equal(204, status);
        Assert.Equal(17, rid);
        Assert.False(IoTHubTopics.TryParseTwinResponse("$iothub/twin/PATCH/properties/desired/?$version=3", out _, out _));
    }

    [Fact]
    public void MethodRequest_IsParsed_AndAnsweredOnItsRequestId()
    {
        Assert.True(IoTHubTopics.TryParseMethod("$iothub/methods/POST/GetTelemetry/?$rid=a1b2", out var method, out var rid));
        Assert.Equal("GetTelemetry", method);
        Assert.Equal("a1b2", rid);
        Assert.Equal("$iothub/methods/res/501/?$rid=a1b2", IoTHubTopics.MethodResponse(501, rid));
        Assert.False(IoTHubTopics.TryParseMethod("$iothub/methods/POST/GetTelemetry/", out _, out _));
    }
}
