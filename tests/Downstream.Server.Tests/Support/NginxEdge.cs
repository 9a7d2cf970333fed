using System.Diagnostics;
using System.Net.Sockets;

namespace Downstream.Server.Tests.Support;

/// <summary>
/// Debian's nginx on loopback running the shipped <c>deploy/nginx/downstream.conf</c>, its "edit" lines pointed at
/// one test server and its media folder; everything of nginx's own in a temporary folder. Stopped on dispose.
/// </summary>
public sealed class NginxEdge : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDir _dir;

    private NginxEdge(Process process, TempDir dir, int port)
    {
        _process = process;
        _dir = dir;
        BaseUrl = $"http://127.0.0.1:{port}";
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }

    public HttpClient Http { get; }

    public static async Task<NginxEdge> StartAsync(IEnumerable<string> upstreams, string mediaDir)
    {
        var dir = new TempDir("downstream-nginx");
        var port = ServerProcess.FreePort();
        var config = EdgeConfig.Write(ServerProcess.RepositoryRoot(), dir.Path, port, upstreams, mediaDir);
        var startInfo = new ProcessStartInfo("nginx") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-c", config, "-p", dir.Path, "-e", dir.File("error.log")])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("nginx did not start");
        var edge = new NginxEdge(process, dir, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return edge;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                var log = File.Exists(dir.File("error.log")) ? await File.ReadAllTextAsync(dir.File("error.log")) : "";
                await edge.DisposeAsync();
                throw new InvalidOperationException($"nginx did not listen on {port}: {log}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dir.Dispose();
    }
}
