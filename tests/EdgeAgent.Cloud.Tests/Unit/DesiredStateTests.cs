using System.Text.Json;
using EdgeAgent.Cloud.Control;

namespace EdgeAgent.Cloud.Tests.Unit;

/// <summary>Desired properties: whole sets after a connect, patches merged in order, older versions ignored.</summary>
public sealed class DesiredStateTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Patch_IsMerged_AndNullDeletes()
    {
        var state = new DesiredState();
        Assert.True(state.Accept(Json("""{"decision":{"reviewThreshold":0.5,"declineThreshold":0.9},"model":"m1","$version":3}"""), complete: true));

        Assert.True(state.Accept(Json("""{"decision":{"reviewThreshold":0.6},"model":null,"$version":4}"""), complete: false));

        Assert.Equal(4, state.Version);
        Assert.Equal(0.6, state.Properties["decision"]!["reviewThreshold"]!.GetValue<double>());
        Assert.Equal(0.9, state.Properties["decision"]!["declineThreshold"]!.GetValue<double>());
        Assert.False(state.Properties.ContainsKey("model"));
        Assert.False(state.Properties.ContainsKey("$version"));
    }

    [Fact]
    public void OlderPatches_AndOlderWholeSets_AreIgnored()
    {
        var state = new DesiredState();
        state.Accept(Json("""{"model":"m2","$version":5}"""), complete: false);

        Assert.False(state.Accept(Json("""{"model":"m1","$version":5}"""), complete: false));
        Assert.False(state.Accept(Json("""{"model":"m0","$version":4}"""), complete: true));
        Assert.True(state.Accept(Json("""{"model":"m2","$version":5}"""), complete: true));
        Assert.Equal("m2", state.Properties["model"]!.GetValue<string>());
    }
}
