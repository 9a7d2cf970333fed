using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Downstream.Server.Tests.Support;

/// <summary>
/// The real server, run as its own process on a free loopback port with its own data folder, so
/// tests speak real HTTP and can kill it with SIGKILL.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string AccountId = "023e105f4ecef8ad9ca31a8372d0c353";
    public const string Token = "test-token-read-write-0123456789abcdef";
    public const string Email = "user@example.com";
    public const string Key = "144c9defac04969c7bfad8efaa8ea194";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int port, string dataDir, IReadOnlyDictionary<string, string> settings)
    {
        Settings = settings;
        Media = new StoredMedia(dataDir, settings);
        _process = process;
        Port = port;
        DataDir = dataDir;
        BaseUrl = $"http://127.0.0.1:{port}";
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Port { get; }

    /// <summary>The environment the server was started with.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The server's media store as the tests see it: its folder, or its bucket.</summary>
    public StoredMedia Media { get; }

    public string DataDir { get; }

    public string BaseUrl { get; }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string>? environment = null, int? port = null)
    {
        var chosenPort = port ?? FreePort();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        startInfo.ArgumentList.Add(ServerDll());
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{chosenPort}",
            ["DOWNSTREAM_DATA_DIR"] = dataDir,
            ["DOWNSTREAM_ACCOUNT_ID"] = AccountId,
            ["DOWNSTREAM_API_TOKEN"] = Token,
            ["DOWNSTREAM_AUTH_EMAIL"] = Email,
            ["DOWNSTREAM_AUTH_KEY"] = Key,
            ["DOWNSTREAM_MAX_HEIGHT"] = "360",
            // The suites copy from loopback origins; NetworkRulesTests turn this off again.
            ["DOWNSTREAM_ALLOW_PRIVATE_NETWORKS"] = "true",
            ["DOWNSTREAM_JOB_LEASE"] = "00:00:03",
            ["DOWNSTREAM_JOB_POLL_INTERVAL"] = "00:00:00.200",
            // A small reserve, so a nearly full CI disk does not refuse the suite's uploads; LimitsTests test the reserve.
            ["DOWNSTREAM_MIN_FREE_BYTES"] = "16777216",
            ["Downstream__X264Preset"] = "ultrafast",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        // Nodes of one cluster name their shared database and bucket themselves.
        var backend = environment?.ContainsKey("DOWNSTREAM_POSTGRES") == true ? [] : await Backends.ForDataDirAsync(dataDir);
        foreach (var (key, value) in backend.Concat(environment ?? new Dictionary<string, string>()))
        {
            env[key] = value;
        }

        foreach (var (key, value) in env)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo)!;
        var server = new ServerProcess(process, chosenPort, dataDir, env);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitHealthyAsync();
        return server;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash. With <paramref name="tree"/> its ffmpeg dies too, as when a machine goes down.</summary>
    public async Task KillAsync(bool tree = false)
    {
        _process.Kill(entireProcessTree: tree);
        await _process.WaitForExitAsync();
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
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server did not become healthy:\n{Output}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server built beside these tests, in the same configuration.</summary>
    public static string ServerDll()
    {
        var configuration = typeof(ServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(RepositoryRoot(), "src", "Downstream.Server", "bin", configuration, "net10.0", "Downstream.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first.", dll);
    }

    /// <summary>The folder holding Downstream.slnx, above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Downstream.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Downstream.slnx not found above the test folder.");
    }
}
