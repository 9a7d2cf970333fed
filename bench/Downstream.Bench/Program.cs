using System.Globalization;
using System.Text.Json;
using Downstream.Bench;

// Usage: Downstream.Bench ROOT [--runs N] [--seconds S] [--only scale-out|uploads|metrics|edge|concurrency]. Started by scripts/bench, which builds first.
var root = Path.GetFullPath(args.Length > 0 ? args[0] : ".");
var runs = Option("--runs", 3);
var seconds = Option("--seconds", 8);
var work = Path.Combine(Path.GetTempPath(), "downstream-bench");
Directory.CreateDirectory(work);

var started = DateTimeOffset.UtcNow;
var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
var rows = await new Benchmarks(new Services(root, work), work, runs, seconds, only)
    .RunAsync(line => Console.WriteLine($"[{DateTimeOffset.UtcNow - started:mm\\:ss}] {line}"));

Console.WriteLine();
Console.WriteLine($"{"benchmark",-66} {"measured",-28} {"baseline",-24} {"ratio",-8} {"target",-34} ok");
foreach (var row in rows)
{
    Console.WriteLine($"{row.Name,-66} {row.Measured,-28} {row.Baseline,-24} {row.Ratio,-8} {row.Target,-34} {(row.Met ? "yes" : "NO")}");
}

var report = new
{
    generated = DateTimeOffset.UtcNow,
    runs_per_figure = runs,
    seconds_per_load_run = seconds,
    machine = new
    {
        cores = Environment.ProcessorCount,
        memory_bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null,
    },
    versions = new
    {
        dotnet = Environment.Version.ToString(),
        ffmpeg = (await Processes.CheckAsync("ffmpeg", "-hide_banner", "-version")).Split('\n')[0],
        nginx = (await Processes.RunAsync("nginx", ["-v"])).Error.Trim(),
        wrk = (await Processes.RunAsync("wrk", ["-v"])).Output.Split('\n')[0].Trim(),
    },
    rows,
};
var results = Path.Combine(root, "bench", "results", "latest.json");
await File.WriteAllTextAsync(results, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"\nwrote {results}");
return 0;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
