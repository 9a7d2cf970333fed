using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Downstream.Server.Tests.Support;

/// <summary>
/// A webhook receiver on loopback that records every delivery, and answers with <see cref="Status"/> (set it to 503
/// for an outage). It can be stopped and started again on the same port, as a receiver that was down.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly int _port;
    private HttpListener? _listener;
    private Task? _loop;

    private WebhookReceiver(int port)
    {
        _port = port;
    }

    public string Url => $"http://127.0.0.1:{_port}/hooks/stream";

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    /// <summary>Every request received, answered with any status, in order.</summary>
    public ConcurrentQueue<Delivery> Received { get; } = new();

    public sealed record Delivery(IReadOnlyDictionary<string, string> Headers, byte[] Body, HttpStatusCode Answered)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    public static WebhookReceiver Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var receiver = new WebhookReceiver(port);
        receiver.Resume();
        return receiver;
    }

    public void Resume()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _loop = ServeAsync(_listener);
    }

    public async Task StopAsync()
    {
        _listener?.Stop();
        try
        {
            _listener?.Close();
        }
        catch (HttpListenerException)
        {
            // .NET's listener can trip over its port being taken by another test's server as it lets it go
            // ("Address already in use" from Close): it is closed all the same.
        }

        if (_loop is not null)
        {
            await _loop;
        }

        _listener = null;
    }

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var status = Status;
            Received.Enqueue(new Delivery(headers, body.ToArray(), status));
            context.Response.StatusCode = (int)status;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
