using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Downstream.Server.Tests.Support;

/// <summary>A loopback HTTP origin that answers every request with one fixed head (a redirect, or nothing at all when stalled).</summary>
public sealed class RedirectingOrigin : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string? _answer;
    private readonly List<TcpClient> _held = [];
    private int _requests;

    /// <param name="location">Where to redirect to; null to accept connections and never answer.</param>
    public RedirectingOrigin(string? location)
    {
        _answer = location is null ? null : $"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/video.mp4";

    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            if (_answer is null)
            {
                lock (_held)
                {
                    _held.Add(client);
                }

                continue;
            }

            using (client)
            {
                try
                {
                    await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(_answer), _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }
}
