using System.Globalization;

namespace Downstream.Server.Media;

/// <summary>Reads ffmpeg's <c>-progress</c> key=value lines into a percentage of the source duration.</summary>
public static class FfmpegProgress
{
    /// <summary>
    /// The percentage (0 to 99.9) a line reports, or null when the line carries no position.
    /// 100 is kept for the moment ffmpeg has exited cleanly and the file is in place.
    /// </summary>
    public static double? Parse(ReadOnlySpan<char> line, double durationSeconds)
    {
        var separator = line.IndexOf('=');
        if (separator <= 0 || durationSeconds <= 0)
        {
            return null;
        }

        var key = line[..separator].Trim();
        var value = line[(separator + 1)..].Trim();

        // out_time_ms is microseconds too, a historical misnomer in ffmpeg.
        if (key is not ("out_time_us" or "out_time_ms")
            || !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var microseconds)
            || microseconds < 0)
        {
            return null;
        }

        var percent = microseconds / (durationSeconds * 10_000.0);
        return Math.Round(Math.Clamp(percent, 0, 99.9), 1);
    }
}
