using System.Globalization;
using System.Text.RegularExpressions;

namespace Downstream.Bench;

/// <summary>One wrk run: requests and bytes per second, and the 99th percentile latency.</summary>
public sealed record WrkResult(double RequestsPerSecond, double BytesPerSecond, double P99Ms, long Errors);

/// <summary>Runs wrk (bounded in time, loopback only) and reads its report.</summary>
public static partial class Wrk
{
    public static Task<WrkResult> RunAsync(string url, int connections, int seconds, params string[] headers) =>
        RunAsync(url, null, connections, seconds, headers);

    /// <summary>A run whose requests a Lua script makes (its <c>request</c> function), against <paramref name="baseUrl"/>.</summary>
    public static Task<WrkResult> RunScriptAsync(string baseUrl, string script, int connections, int seconds, params string[] headers) =>
        RunAsync(baseUrl, script, connections, seconds, headers);

    private static async Task<WrkResult> RunAsync(string url, string? script, int connections, int seconds, string[] headers)
    {
        var arguments = new List<string> { "-t", "2", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--latency", "--timeout", "10s" };
        if (script is not null)
        {
            arguments.AddRange(["-s", script]);
        }

        foreach (var header in headers)
        {
            arguments.AddRange(["-H", header]);
        }

        arguments.Add(url);
        var output = await Processes.CheckAsync("wrk", [.. arguments]);
        var rps = double.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var transfer = Transfer().Match(output);
        var p99 = P99().Match(output);
        var errors = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        errors += SocketErrors().Match(output) is { Success: true } s ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0;
        return new WrkResult(rps, Bytes(transfer.Groups[1].Value, transfer.Groups[2].Value), Millis(p99.Groups[1].Value, p99.Groups[2].Value), errors);
    }

    /// <summary>
    /// wrk against ours and a baseline in turn, after a warm-up of each; the medians of the chosen figure, and
    /// every run under "server" and <paramref name="baselineName"/>.
    /// </summary>
    public static async Task<(double Ours, double Baseline, Dictionary<string, object> Runs)> CompareAsync(
        string ours, string baseline, string baselineName, int runs, int seconds, int connections, Func<WrkResult, double> figure, params string[] headers)
    {
        var mine = new List<WrkResult>();
        var theirs = new List<WrkResult>();
        await WarmAsync(ours, connections, headers);
        await WarmAsync(baseline, connections, headers);
        for (var i = 0; i < runs; i++)
        {
            mine.Add(await RunAsync(ours, connections, seconds, headers));
            theirs.Add(await RunAsync(baseline, connections, seconds, headers));
        }

        return (Stats.Median(mine.Select(figure)), Stats.Median(theirs.Select(figure)), new() { ["server"] = mine, [baselineName] = theirs });
    }

    /// <summary>A short unmeasured run, so the JIT has tiered up before the figures are taken.</summary>
    public static Task WarmAsync(string url, int connections, params string[] headers) => RunAsync(url, connections, 3, headers);

    private static double Bytes(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch
    {
        "KB" => 1024,
        "MB" => 1024 * 1024,
        "GB" => 1024.0 * 1024 * 1024,
        _ => 1,
    };

    private static double Millis(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch
    {
        "us" => 0.001,
        "s" => 1000,
        "m" => 60_000,
        _ => 1,
    };

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)")]
    private static partial Regex Transfer();

    [GeneratedRegex(@"\s99%\s+([\d.]+)(us|ms|s|m)\b")]
    private static partial Regex P99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
