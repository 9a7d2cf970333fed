using System.Diagnostics;
using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Media;

/// <summary>
/// Decides whether a file is one self-contained video or audio file: its first bytes must match an
/// allowed container (<see cref="ContainerSniffer"/>), then ffprobe, held to the file protocol and the
/// allowed demuxers, reads it and <see cref="ProbeParser"/> judges the result. At most
/// <see cref="DownstreamOptions.MaxConcurrentProbes"/> ffprobe processes run at once.
/// </summary>
public sealed class MediaProber(IOptions<DownstreamOptions> options, ILogger<MediaProber> logger) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentProbes);

    public async Task<ProbeResult> ProbeAsync(string path, int maxDurationSeconds, CancellationToken cancellationToken)
    {
        if (new FileInfo(path) is not { Exists: true, Length: > 0 })
        {
            return ProbeResult.Rejected(ErrorReasons.NonVideo, "The file is empty.");
        }

        if (await ContainerSniffer.SniffFileAsync(path, cancellationToken) is null)
        {
            return ProbeResult.Rejected(ErrorReasons.NonVideo, NotAContainer);
        }

        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await RunProbeAsync(path, maxDurationSeconds, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    public const string NotAContainer =
        "The file is not a single self-contained video or audio file (MP4/MOV, Matroska/WebM, MPEG-TS/PS, AVI, FLV, "
        + "ASF, MXF, DV, Ogg, WAV, AIFF, CAF, MP3, AAC, FLAC or AMR). Playlists, file lists, manifests, image sequences "
        + "and subtitles are not accepted.";

    private async Task<ProbeResult> RunProbeAsync(string path, int maxDurationSeconds, CancellationToken cancellationToken)
    {

        var startInfo = new ProcessStartInfo(options.Value.FfprobePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in ProbeArguments(path))
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
            if (stderr.Result.Contains("not on whitelist", StringComparison.Ordinal))
            {
                return ProbeResult.Rejected(ErrorReasons.NonVideo, NotAContainer);
            }

            return ProbeResult.Rejected(ErrorReasons.NonVideo, "The file could not be read as video or audio: " + FirstLine(stderr.Result));
        }

        return ProbeParser.Parse(stdout.Result, maxDurationSeconds);
    }

    /// <summary>ffprobe's arguments: JSON out, and the input held to the file protocol and the allowed demuxers.</summary>
    public static IReadOnlyList<string> ProbeArguments(string path) =>
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", .. MediaContainers.InputArguments(path, formatName: null)];

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n', 2)[0].Trim();
        var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        line = colon >= 0 ? line[(colon + 2)..] : line;
        return line.Length > 200 ? line[..200] : (line.Length == 0 ? "unknown format" : line);
    }
}
