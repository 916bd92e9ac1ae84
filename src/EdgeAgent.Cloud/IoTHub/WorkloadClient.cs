using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace EdgeAgent.Cloud.IoTHub;

/// <summary>
/// The IoT Edge workload API, over its unix socket (or HTTP): signs the module's SAS tokens with a key the agent
/// never sees, and hands out the trust bundle that edgeHub's certificate chains to.
/// </summary>
public sealed class WorkloadClient : ISasSigner, IDisposable
{
    private readonly HttpClient _http;
    private readonly string _moduleId;
    private readonly IoTEdgeModule _module;

    public WorkloadClient(IoTEdgeModule module, string moduleId)
    {
        _module = module;
        _moduleId = moduleId;
        if (module.WorkloadUri.Scheme == "unix")
        {
            var socketPath = module.WorkloadUri.LocalPath;
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            _http = new HttpClient(handler) { BaseAddress = new Uri("http://workload/") };
        }
        else
        {
            _http = new HttpClient { BaseAddress = module.WorkloadUri };
        }

        _http.Timeout = TimeSpan.FromSeconds(30);
    }

    public async Task<string> SignAsync(string data, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("keyId", "primary");
            json.WriteString("algo", "HMACSHA256");
            json.WriteString("data", Convert.ToBase64String(Encoding.UTF8.GetBytes(data)));
            json.WriteEndObject();
        }

        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var path = $"modules/{Uri.EscapeDataString(_moduleId)}/genid/{Uri.EscapeDataString(_module.GenerationId)}/sign?api-version={_module.ApiVersion}";
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"workload API sign: {(int)response.StatusCode} {text}");
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("digest").GetString() ?? throw new HttpRequestException("workload API sign: no digest");
    }

    /// <summary>The PEM certificates edgeHub's server certificate chains to.</summary>
    public async Task<string> GetTrustBundleAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri($"trust-bundle?api-version={_module.ApiVersion}", UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"workload API trust-bundle: {(int)response.StatusCode} {text}");
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("certificate").GetString() ?? throw new HttpRequestException("workload API trust-bundle: no certificate");
    }

    public void Dispose() => _http.Dispose();
}
