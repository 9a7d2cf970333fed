namespace Downstream.Bench;

/// <summary>One line of the report: what was measured, against what, and whether the target holds.</summary>
public sealed record Row(string Name, string Against, string Measured, string Baseline, string Ratio, string Target, bool Met)
{
    public Dictionary<string, object> Runs { get; init; } = [];
}

public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static string Mb(double bytesPerSecond) => $"{bytesPerSecond / (1024 * 1024):0.0} MiB/s";
}
