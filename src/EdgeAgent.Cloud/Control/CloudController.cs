using System.Text.Json;
using EdgeAgent.Cloud.Sync;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Cloud.Control;

/// <summary>
/// The agent's side of the twin and the methods: applies desired properties (in order, ignoring older versions),
/// answers methods, and keeps the reported properties current after each connect, each change and periodically.
/// </summary>
public sealed partial class CloudController(
    DesiredPropertiesApplier applier,
    CloudMethods methods,
    AgentDescription agent,
    DecisionPolicy? policy,
    CloudRuntimeSettings settings,
    ICloudStatus status,
    CloudSignals signals,
    ICloudTransport transport,
    ILogger<CloudController> logger) : ICloudCommandHandler, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DesiredState _desired = new();
    private string? _errors;

    public async Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        signals.Pump.Set();
        await TryReportAsync(cancellationToken);
    }

    public async Task OnDesiredPropertiesAsync(JsonElement desired, bool complete, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_desired.Accept(desired, complete))
            {
                LogIgnored(complete ? "whole" : "patch", desired.TryGetProperty("$version", out var v) ? v.ToString() : "?", _desired.Version);
                return;
            }

            var errors = await applier.ApplyAsync(_desired.Properties, cancellationToken);
            _errors = DesiredPropertiesApplier.Describe(errors);
            LogApplied(_desired.Version, _errors ?? "none");
        }
        finally
        {
            _gate.Release();
        }

        await TryReportAsync(cancellationToken);
    }

    public async Task OnControlRefusedAsync(string reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _errors = reason;
        }
        finally
        {
            _gate.Release();
        }

        await TryReportAsync(cancellationToken);
    }

    public Task<CloudMethodResponse> OnMethodAsync(string method, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        LogMethod(method);
        return methods.InvokeAsync(method, payload, cancellationToken);
    }

    /// <summary>Sends the reported properties; a failure is logged (the next connect or period sends them again).</summary>
    public async Task TryReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            var patch = ReportedProperties.Write(agent, policy, settings, status, _desired.Version, _errors, applier.ModelStatus, applier.ReportModel());
            await transport.ReportAsync(patch, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogReportFailed(ex.Message);
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(EventId = 430, Level = LogLevel.Information, Message = "Desired properties version {Version} applied; refused: {Errors}")]
    private partial void LogApplied(long version, string errors);

    [LoggerMessage(EventId = 431, Level = LogLevel.Debug, Message = "Desired properties ({Kind}, version {Version}) ignored: version {Applied} already applied")]
    private partial void LogIgnored(string kind, string version, long applied);

    [LoggerMessage(EventId = 432, Level = LogLevel.Information, Message = "Direct method {Method}")]
    private partial void LogMethod(string method);

    [LoggerMessage(EventId = 433, Level = LogLevel.Warning, Message = "Reported properties not sent: {Reason}")]
    private partial void LogReportFailed(string reason);
}
