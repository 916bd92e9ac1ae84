using System.Net;

namespace EdgeAgent.Testing.Emulator;

/// <summary>Where the cloud keeps model files: a loopback HTTP server that serves the files of one folder by name.</summary>
public sealed class ModelFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public ModelFileServer(string folder)
    {
        Folder = folder;
        var port = FreePort.Next();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/models/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Folder { get; }

    public Uri BaseUrl { get; }

    /// <summary>Paths asked for, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the listener's own stop ends the loop with an exception
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var name = Path.GetFileName(Uri.UnescapeDataString(context.Request.Url!.AbsolutePath));
            Requests.Enqueue(context.Request.Url.AbsolutePath);
            var path = Path.Combine(Folder, name);
            using var response = context.Response;
            if (name.Length == 0 || !File.Exists(path))
            {
                response.StatusCode = 404;
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(path);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
    }
}
