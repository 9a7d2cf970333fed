using System.Diagnostics;
using System.Text;

namespace Downstream.Bench;

/// <summary>Runs programs with argument lists and times them.</summary>
public static class Processes
{
    public static async Task<(int Code, string Output, string Error, TimeSpan Elapsed)> RunAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = Info(program, arguments, environment);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        watch.Stop();
        return (process.ExitCode, await output, await error, watch.Elapsed);
    }

    public static async Task<string> CheckAsync(string program, params string[] arguments)
    {
        var (code, output, error, _) = await RunAsync(program, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({code}): {error}");
    }

    /// <summary>Starts a long-running program whose output is collected in the background.</summary>
    public static Process Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, StringBuilder log)
    {
        var process = Process.Start(Info(program, arguments, environment))!;
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static ProcessStartInfo Info(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        return startInfo;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs <paramref name="work"/> while sampling a process's memory; its result and the peak growth in bytes.</summary>
    public static async Task<(T Result, long Growth)> WithPeakRssAsync<T>(int pid, Func<Task<T>> work)
    {
        var before = Rss(pid);
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss(pid));
                await Task.Delay(20);
            }
        });
        var result = await work();
        await stop.CancelAsync();
        await sampler;
        return (result, peak - before);
    }

    /// <summary>Resident memory of a process in bytes, from /proc.</summary>
    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
