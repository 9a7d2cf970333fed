using System.Diagnostics;
using Downstream.Server.Hosting;

namespace Downstream.Server.Media;

/// <summary>The ffmpeg and ffprobe found at start, for <c>/health</c>.</summary>
public sealed record FfmpegInfo(string FfmpegVersion, string FfprobeVersion);

/// <summary>
/// Checks at start that ffmpeg and ffprobe run and that the encoders the downloads need exist,
/// so a broken install is one clear startup error rather than failed jobs later.
/// </summary>
public static class FfmpegValidator
{
    private static readonly string[] RequiredEncoders = ["libx264", "aac"];

    public static async Task<FfmpegInfo> ValidateAsync(DownstreamOptions options, CancellationToken cancellationToken)
    {
        var ffmpegVersion = FirstLine(await RunAsync(options.FfmpegPath, ["-hide_banner", "-version"], cancellationToken));
        var ffprobeVersion = FirstLine(await RunAsync(options.FfprobePath, ["-hide_banner", "-version"], cancellationToken));
        var encoders = await RunAsync(options.FfmpegPath, ["-hide_banner", "-encoders"], cancellationToken);
        var missing = RequiredEncoders
            .Where(name => !encoders.Split('\n').Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == name))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{options.FfmpegPath} lacks the encoder(s) {string.Join(", ", missing)}; install an ffmpeg built with them (Debian/Ubuntu: apt-get install ffmpeg).");
        }

        return new FfmpegInfo(ffmpegVersion, ffprobeVersion);
    }

    private static async Task<string> RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process? process;
        try
        {
            process = Process.Start(startInfo);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"'{program}' could not be started ({ex.Message}). Install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg) or set Downstream:FfmpegPath / Downstream:FfprobePath.", ex);
        }

        using (process)
        {
            if (process is null)
            {
                throw new InvalidOperationException($"'{program}' could not be started.");
            }

            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            _ = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with code {process.ExitCode}.");
            }

            return await output;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
