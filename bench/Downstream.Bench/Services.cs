using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Downstream.Bench;

/// <summary>A program the benchmark started and stops: the server, the Kestrel baseline or nginx.</summary>
public sealed class Service(string name, Process process, int port, StringBuilder log) : IAsyncDisposable
{
    private Process Process => process;

    public string Name => name;

    public int Pid => process.Id;

    public string Url => $"http://127.0.0.1:{port}";

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    public static async Task<Service> StartAsync(string name, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, int port, string readyPath)
    {
        var log = new StringBuilder();
        var service = new Service(name, Processes.Start(program, arguments, environment, log), port, log);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (service.Process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited: {service.Log}");
            }

            try
            {
                using var response = await http.GetAsync(service.Url + readyPath);
                if ((int)response.StatusCode < 500)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        await service.DisposeAsync();
        throw new TimeoutException($"{name} did not start: {service.Log}");
    }
}

/// <summary>Starts the three programs the figures are compared between.</summary>
public sealed class Services(string root, string work)
{
    public const string Account = "023e105f4ecef8ad9ca31a8372d0c353";
    public const string Token = "bench-token-0123456789abcdef0123456789";

    private string ServerDll => Path.Combine(root, "src", "Downstream.Server", "bin", "Release", "net10.0", "Downstream.Server.dll");

    private string BaselineDll => Path.Combine(root, "bench", "Downstream.Bench.Baseline", "bin", "Release", "net10.0", "Downstream.Bench.Baseline.dll");

    /// <param name="environment">More settings, such as the PostgreSQL and S3 ones.</param>
    public Task<Service> ServerAsync(string dataDir, int? port = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var chosen = port ?? Processes.FreePort();
        Directory.CreateDirectory(dataDir);
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{chosen}",
            ["DOWNSTREAM_DATA_DIR"] = dataDir,
            ["DOWNSTREAM_ACCOUNT_ID"] = Account,
            ["DOWNSTREAM_API_TOKEN"] = Token,
            ["DOWNSTREAM_WORKER_CONCURRENCY"] = "1",
            ["DOWNSTREAM_JOB_POLL_INTERVAL"] = "00:00:00.100",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        return Service.StartAsync("server", "dotnet", [ServerDll], settings, chosen, "/health");
    }

    public Task<Service> BaselineAsync(string bodyFile, string sinkDir)
    {
        var port = Processes.FreePort();
        return Service.StartAsync("kestrel baseline", "dotnet", [BaselineDll], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["BASELINE_BODY_FILE"] = bodyFile,
            ["BASELINE_TOKEN"] = Token,
            ["BASELINE_SINK_DIR"] = sinkDir,
        }, port, "/");
    }

    /// <summary>nginx serving <paramref name="rootDir"/> with sendfile, as a static file server is tuned.</summary>
    public Task<Service> NginxAsync(string rootDir)
    {
        var port = Processes.FreePort();
        var dir = Path.Combine(work, "nginx");
        Directory.CreateDirectory(dir);
        var config = Downstream.Server.Tests.Support.EdgeConfig.WriteMain(dir, $$"""
            sendfile on;
            tcp_nopush on;
            server {
                listen 127.0.0.1:{{port}};
                root {{rootDir}};
            }
            """);
        return Service.StartAsync("nginx", "nginx", ["-c", config, "-p", dir], new Dictionary<string, string>(), port, "/");
    }

    /// <summary>nginx running the shipped <c>deploy/nginx/downstream.conf</c> in front of <paramref name="server"/>.</summary>
    public Task<Service> EdgeAsync(Service server, string mediaDir)
    {
        var port = Processes.FreePort();
        var dir = Path.Combine(work, "edge");
        Directory.CreateDirectory(dir);
        var config = Downstream.Server.Tests.Support.EdgeConfig.Write(root, dir, port, [new Uri(server.Url).Authority], mediaDir);
        return Service.StartAsync("nginx edge", "nginx", ["-c", config, "-p", dir], new Dictionary<string, string>(), port, "/health");
    }

    public static HttpClient Client(Service server)
    {
        var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
    }
}
