using System.Diagnostics;
using System.Text;
using Downstream.Server.Hosting;
using Downstream.Server.Jobs;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Media;

/// <summary>The end of one ffmpeg run: its exit code, the last lines it wrote to stderr, and whether it ran out of time.</summary>
public sealed record FfmpegExit(int ExitCode, string ErrorTail, bool TimedOut = false)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs ffmpeg with an argument list, feeds progress lines to a callback, and writes a log that
/// starts with the full command line and stops at <see cref="JobLogs.MaxBytes"/>. Cancelling kills the
/// process; so does running past <c>timeout</c>, which ends the run as <see cref="FfmpegExit.TimedOut"/>.
/// </summary>
public sealed class FfmpegRunner(IOptions<DownstreamOptions> options)
{
    public async Task<FfmpegExit> RunAsync(
        IReadOnlyList<string> arguments, string logPath, Func<string, Task> onProgressLine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var program = options.Value.FfmpegPath;
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await using var log = new CappedLog(logPath, JobLogs.MaxBytes);
        await log.WriteLineAsync(FfmpegArguments.ToDisplayString(program, arguments));

        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {program}.");
        LowerPriority(process);
        var tail = new Queue<string>();
        var stderr = PumpAsync(process.StandardError, async line =>
        {
            await log.WriteLineAsync(line);
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 20)
                {
                    tail.Dequeue();
                }
            }
        });
        var stdout = PumpAsync(process.StandardOutput, onProgressLine);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(stdout, stderr);
            if (cancellationToken.IsCancellationRequested)
            {
                await log.WriteLineAsync("cancelled: ffmpeg was stopped");
                throw;
            }

            await log.WriteLineAsync($"timed out: ffmpeg was stopped after {timeout}");
            return new FfmpegExit(process.ExitCode, $"ffmpeg took longer than {timeout}", TimedOut: true);
        }

        await Task.WhenAll(stdout, stderr);

        await log.WriteLineAsync($"exit code {process.ExitCode}");
        lock (tail)
        {
            return new FfmpegExit(process.ExitCode, string.Join('\n', tail));
        }
    }

    private static async Task PumpAsync(StreamReader reader, Func<string, Task> onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            await onLine(line);
        }
    }

    /// <summary>
    /// ffmpeg runs at nice 10: with every core busy transcoding, the API's requests (at nice 0) still get a core
    /// at once, and with nothing else to run ffmpeg is as fast as before (nice only orders who waits).
    /// </summary>
    private static void LowerPriority(Process process)
    {
        try
        {
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or not allowed here: it runs at the server's priority.
        }
    }
}
