namespace Downstream.Server.Tests.Support;

/// <summary>The job logs of one video's download of one file, on either backend: <c>{data}/logs/jobs/{uid}/*.log</c>.</summary>
public static class JobLogFiles
{
    /// <summary>Logs whose ffmpeg command writes <paramref name="file"/> (default.mp4, audio.m4a).</summary>
    public static string[] For(string dataDir, string uid, string file)
    {
        var folder = Path.Combine(dataDir, "logs", "jobs", uid);
        return Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "*.log").Where(path => File.ReadLines(path).First().Contains("." + file, StringComparison.Ordinal))]
            : [];
    }
}
