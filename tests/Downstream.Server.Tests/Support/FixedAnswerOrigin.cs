using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Downstream.Server.Tests.Support;

/// <summary>
/// A loopback origin that answers every connection with one fixed answer: a small 200, a redirect, or nothing
/// at all (stalled). It counts connections, so tests can prove that nothing was fetched from it.
/// </summary>
public sealed class FixedAnswerOrigin : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string? _answer;
    private readonly List<TcpClient> _held = [];
    private int _requests;

    private FixedAnswerOrigin(string? answer)
    {
        _answer = answer;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptAsync();
    }

    public int Port { get; }

    public static FixedAnswerOrigin Ok() => new("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");

    public static FixedAnswerOrigin Redirect(string location) =>
        new($"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    /// <summary>Accepts connections and never answers.</summary>
    public static FixedAnswerOrigin Stalled() => new(null);

    public string UrlOf(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    public string Url => $"http://127.0.0.1:{Port}/video.mp4";

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _requests);

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
