using System.Net;
using System.Net.Sockets;

namespace Downstream.Server.Tests.Support;

/// <summary>A tiny HTTP origin on loopback that serves one file at <see cref="Url"/>, for copy-from-URL.</summary>
public sealed class LoopbackOrigin : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private int _requests;

    private LoopbackOrigin(HttpListener listener, string url, string file)
    {
        _listener = listener;
        Url = url;
        _loop = ServeAsync(file);
    }

    public string Url { get; }

    /// <summary>Requests answered so far, whatever their path.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static Task<LoopbackOrigin> StartAsync(string file)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return Task.FromResult(new LoopbackOrigin(listener, $"http://127.0.0.1:{port}/media/{Path.GetFileName(file)}", file));
    }

    private async Task ServeAsync(string file)
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

            Interlocked.Increment(ref _requests);
            using var response = context.Response;
            if (context.Request.Url!.AbsolutePath != new Uri(Url).AbsolutePath)
            {
                response.StatusCode = 404;
                continue;
            }

            response.ContentType = "video/mp4";
            response.ContentLength64 = new FileInfo(file).Length;
            await using var source = File.OpenRead(file);
            await source.CopyToAsync(response.OutputStream);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
