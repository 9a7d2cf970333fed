using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Downstream.Server.Tests.Support;

/// <summary>Makes test media with ffmpeg's lavfi sources and inspects results with ffprobe.</summary>
public static class Ffmpeg
{
    public static async Task MakeAsync(string output, params string[] arguments)
    {
        var (code, _, error) = await RunAsync("ffmpeg", ["-hide_banner", "-v", "error", "-y", .. arguments, output]);
        if (code != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not make {output}: {error}");
        }
    }

    /// <summary>A test pattern with a tone, <paramref name="seconds"/> long.</summary>
    public static Task VideoAsync(string output, double seconds, string size, string[] codecs, bool audio = true) =>
        MakeAsync(output, [
            "-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25",
            .. audio ? new[] { "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000" } : [],
            "-t", seconds.ToString(CultureInfo.InvariantCulture), .. codecs]);

    public static async Task<JsonDocument> ProbeAsync(string file)
    {
        var (code, output, error) = await RunAsync("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]);
        return code == 0 ? JsonDocument.Parse(output) : throw new InvalidOperationException($"ffprobe failed on {file}: {error}");
    }

    public static async Task<(int Code, string Output, string Error)> RunAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>The top-level MP4 boxes in file order, e.g. ftyp, moov, free, mdat.</summary>
    public static IReadOnlyList<string> TopLevelBoxes(string file)
    {
        var boxes = new List<string>();
        using var stream = File.OpenRead(file);
        var header = new byte[16];
        while (stream.Position + 8 <= stream.Length)
        {
            var start = stream.Position;
            stream.ReadExactly(header, 0, 8);
            long size = (uint)(header[0] << 24 | header[1] << 16 | header[2] << 8 | header[3]);
            boxes.Add(System.Text.Encoding.ASCII.GetString(header, 4, 4));
            if (size == 1)
            {
                stream.ReadExactly(header, 8, 8);
                size = BitConverter.ToInt64([.. header.AsSpan(8, 8).ToArray().Reverse()]);
            }
            else if (size == 0)
            {
                break;
            }

            if (size < 8)
            {
                break;
            }

            stream.Position = start + size;
        }

        return boxes;
    }
}
