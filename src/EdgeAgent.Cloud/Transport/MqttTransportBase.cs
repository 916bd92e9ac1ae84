using EdgeAgent.Cloud.Sync;
using EdgeAgent.Core;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeAgent.Cloud.Transport;

/// <summary>
/// What both MQTT transports share: one MQTTnet client kept connected from one loop with backoff (never from the
/// disconnect handler), reconnection before a credential expires, sends that count only once acknowledged, and
/// commands handled off the client's receive loop so that acknowledgements keep flowing while a method runs.
/// </summary>
public abstract partial class MqttTransportBase : ICloudTransport
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly AsyncSignal _disconnected = new();
    private readonly ILogger _logger;
    private Task _loop = Task.CompletedTask;
    private ICloudCommandHandler? _handler;
    private int _disposed;

    protected MqttTransportBase(CloudOptions options, TimeProvider time, ILogger logger)
    {
        Options = options;
        Time = time;
        _logger = logger;
        Client = new MqttClientFactory().CreateMqttClient();
        Client.DisconnectedAsync += e =>
        {
            if (!_stopping.IsCancellationRequested)
            {
                LogDisconnected(Description, e.Reason.ToString());
            }

            _disconnected.Set();
            return Task.CompletedTask;
        };
        Client.ApplicationMessageReceivedAsync += e =>
        {
            try
            {
                return OnMessageAsync(e.ApplicationMessage);
            }
            catch (Exception ex)
            {
                LogHandlerFailed(e.ApplicationMessage.Topic, ex);
                return Task.CompletedTask;
            }
        };
    }

    public abstract string Description { get; }

    public bool IsConnected => Client.IsConnected;

    protected IMqttClient Client { get; }

    protected CloudOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ICloudCommandHandler Handler => _handler ?? throw new InvalidOperationException("The transport is not started.");

    protected CancellationToken Stopping => _stopping.Token;

    protected TimeSpan SendTimeout => TimeSpan.FromSeconds(Options.SendTimeoutSeconds);

    /// <summary>When the connection must be renewed (a token expires); never by default.</summary>
    protected virtual DateTimeOffset RenewAt => DateTimeOffset.MaxValue;

    public Task StartAsync(ICloudCommandHandler handler, CancellationToken cancellationToken)
    {
        _handler = handler;
        _loop = Task.Run(() => KeepConnectedAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public abstract Task SendAsync(CloudMessage message, CancellationToken cancellationToken);

    public abstract Task ReportAsync(ReadOnlyMemory<byte> patch, CancellationToken cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop;
        if (Client.IsConnected)
        {
            try
            {
                await Client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDisconnectFailed(ex.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        Client.Dispose();
        _stopping.Dispose();
        DisposeResources();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what a transport holds besides the client.</summary>
    protected virtual void DisposeResources()
    {
    }

    /// <summary>Connects, subscribes and fetches what a fresh connection needs; throws when any of it fails.</summary>
    protected abstract Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Work to retry while connected (a twin that could not be fetched); runs after each wake.</summary>
    protected virtual Task OnIdleAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A message on one of the subscriptions; runs on the client's receive loop, so it must not wait long.</summary>
    protected abstract Task OnMessageAsync(MqttApplicationMessage message);

    /// <summary>Publishes at QoS 1 and waits for the PUBACK; anything but success throws <see cref="CloudSendException"/>.</summary>
    protected async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (!Client.IsConnected)
        {
            throw new CloudSendException("not connected to " + Description);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        MqttClientPublishResult result;
        try
        {
            result = await Client.PublishAsync(message, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CloudSendException($"no acknowledgement within {Options.SendTimeoutSeconds} s");
        }

        if (!result.IsSuccess)
        {
            throw new CloudSendException($"refused: {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <summary>Runs command work off the receive loop; a failure is logged, never thrown into the client.</summary>
    protected void Dispatch(string what, Func<Task> work) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                LogHandlerFailed(what, ex);
            }
            catch (Exception)
            {
                // Stopping: the command dies with the connection.
            }
        });

    private async Task KeepConnectedAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(Options.RetryMinDelaySeconds), TimeSpan.FromSeconds(Options.RetryMaxDelaySeconds));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!Client.IsConnected)
                {
                    await ConnectAsync(cancellationToken);
                    LogConnected(Description);
                    backoff.Reset();
                }
                else if (Time.GetUtcNow() >= RenewAt)
                {
                    // MQTT 3.1.1 cannot re-authenticate a connection: a fresh token needs a fresh connection.
                    LogRenewing(Description);
                    await Client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
                    continue;
                }
                else
                {
                    await OnIdleAsync(cancellationToken);
                }

                var untilRenewal = RenewAt - Time.GetUtcNow();
                var wait = TimeSpan.FromSeconds(Options.KeepAliveSeconds);
                if (untilRenewal < wait)
                {
                    wait = untilRenewal < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : untilRenewal;
                }

                await _disconnected.WaitAsync(wait, Time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = backoff.Next();
                LogConnectFailed(Description, delay.TotalSeconds, ex.Message);
                if (Client.IsConnected)
                {
                    try
                    {
                        await Client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
                    }
                    catch (Exception disconnect)
                    {
                        LogDisconnectFailed(disconnect.Message);
                    }
                }

                try
                {
                    await Task.Delay(delay, Time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Cloud connected: {Target}")]
    private partial void LogConnected(string target);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Cannot connect to the cloud ({Target}); retrying in {DelaySeconds:0.0} s: {Reason}")]
    private partial void LogConnectFailed(string target, double delaySeconds, string reason);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Cloud disconnected ({Target}): {Reason}")]
    private partial void LogDisconnected(string target, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Renewing the cloud connection before its token expires ({Target})")]
    private partial void LogRenewing(string target);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Cloud command failed ({What})")]
    private partial void LogHandlerFailed(string what, Exception exception);

    [LoggerMessage(EventId = 405, Level = LogLevel.Debug, Message = "Disconnect failed: {Reason}")]
    private partial void LogDisconnectFailed(string reason);
}
