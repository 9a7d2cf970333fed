using System.Net;
using System.Net.Sockets;

namespace Downstream.Server.Tests.Support;

/// <summary>A loopback origin that sends a file's head and then holds the rest until the test opens the gate.</summary>
public sealed class GatedOrigin : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private readonly string _file;

    public GatedOrigin(string file)
    {
        _file = file;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        Url = $"http://127.0.0.1:{port}/gated/{Path.GetFileName(file)}";
        _loop = ServeAsync();
    }

    public string Url { get; }

    /// <summary>Completes once a request has received the head of the file.</summary>
    public Task Started => _started.Task;

    public void Open() => _gate.TrySetResult();

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

            _ = Task.Run(async () =>
            {
                using var response = context.Response;
                try
                {
                    var bytes = await File.ReadAllBytesAsync(_file);
                    response.ContentType = "video/mp4";
                    response.ContentLength64 = bytes.Length;
                    await response.OutputStream.WriteAsync(bytes.AsMemory(0, 1024));
                    await response.OutputStream.FlushAsync();
                    _started.TrySetResult();
                    await _gate.Task;
                    await response.OutputStream.WriteAsync(bytes.AsMemory(1024));
                }
                catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
                {
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        Open();
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
