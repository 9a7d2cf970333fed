using System.Diagnostics;
using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Media;

/// <summary>Runs ffprobe on a file and hands its JSON to <see cref="ProbeParser"/>.</summary>
public sealed class MediaProber(IOptions<DownstreamOptions> options, ILogger<MediaProber> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public async Task<ProbeResult> ProbeAsync(string path, int maxDurationSeconds, CancellationToken cancellationToken)
    {
        if (new FileInfo(path) is not { Exists: true, Length: > 0 })
        {
            return ProbeResult.Rejected(ErrorReasons.NonVideo, "The file is empty.");
        }

        var startInfo = new ProcessStartInfo(options.Value.FfprobePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start ffprobe.");
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            return ProbeResult.Rejected(ErrorReasons.MalformedVideo, "Reading the file took too long; it may be damaged.");
        }

        if (process.ExitCode != 0)
        {
            logger.LogInformation("ffprobe rejected {Path}: {Error}", path, stderr.Result.Trim());
            return ProbeResult.Rejected(ErrorReasons.NonVideo, "The file could not be read as video or audio: " + FirstLine(stderr.Result));
        }

        return ProbeParser.Parse(stdout.Result, maxDurationSeconds);
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n', 2)[0].Trim();
        var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        line = colon >= 0 ? line[(colon + 2)..] : line;
        return line.Length > 200 ? line[..200] : (line.Length == 0 ? "unknown format" : line);
    }
}
