using System.Globalization;

namespace Downstream.Server.Media;

/// <summary>
/// Builds ffmpeg's argument list for a download as plain data, for <c>ProcessStartInfo.ArgumentList</c>:
/// no shell, no quoting, and every choice visible in a unit test.
/// </summary>
public static class FfmpegArguments
{
    /// <param name="input">The source file.</param>
    /// <param name="formatName">ffprobe's <c>format_name</c> of the source: its demuxer is forced.</param>
    /// <param name="output">The staging file to write.</param>
    /// <param name="plan">What to copy or encode.</param>
    /// <param name="x264Preset">The x264 preset when encoding.</param>
    public static IReadOnlyList<string> ForDownload(string input, string? formatName, string output, DownloadPlan plan, string x264Preset)
    {
        var args = new List<string>
        {
            "-hide_banner", "-nostdin", "-y", "-loglevel", "warning",
            "-progress", "pipe:1", "-stats_period", "0.5",
        };
        args.AddRange(MediaContainers.InputArguments(input, formatName));

        if (plan.IncludeVideo)
        {
            args.AddRange(["-map", "0:v:0"]);
        }

        if (plan.IncludeAudio)
        {
            args.AddRange(["-map", plan.IncludeVideo ? "0:a:0?" : "0:a:0"]);
        }

        if (plan.IncludeVideo)
        {
            if (plan.CopyVideo)
            {
                args.AddRange(["-c:v", "copy"]);
            }
            else
            {
                if (plan.Scale is var (width, height))
                {
                    args.AddRange(["-vf", string.Create(CultureInfo.InvariantCulture, $"scale={width}:{height}")]);
                }

                args.AddRange(["-c:v", "libx264", "-preset", x264Preset, "-crf", "23", "-profile:v", "high", "-pix_fmt", "yuv420p"]);
            }
        }
        else
        {
            args.Add("-vn");
        }

        if (plan.IncludeAudio)
        {
            args.AddRange(plan.CopyAudio ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", "128k"]);
        }

        args.AddRange(["-sn", "-dn", "-movflags", "+faststart", "-f", "mp4", MediaContainers.FileUrl(output)]);
        return args;
    }

    /// <summary>The command as one line for the job log, quoted where a shell would need it.</summary>
    public static string ToDisplayString(string program, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { program }.Concat(arguments).Select(Quote));

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || "-_./:=+,".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
