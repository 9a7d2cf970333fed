using System.Diagnostics;
using System.Text;
using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Media;

/// <summary>The end of one ffmpeg run: its exit code and the last lines it wrote to stderr.</summary>
public sealed record FfmpegExit(int ExitCode, string ErrorTail)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs ffmpeg with an argument list, feeds progress lines to a callback, and writes a log that
/// starts with the full command line. Cancelling kills the process.
/// </summary>
public sealed class FfmpegRunner(IOptions<DownstreamOptions> options)
{
    public async Task<FfmpegExit> RunAsync(
        IReadOnlyList<string> arguments, string logPath, Func<string, Task> onProgressLine, CancellationToken cancellationToken)
    {
        var program = options.Value.FfmpegPath;
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await using var log = new StreamWriter(logPath, append: true, new UTF8Encoding(false)) { AutoFlush = true };
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

        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await log.WriteLineAsync("cancelled: ffmpeg was stopped");
            throw;
        }
        finally
        {
            await Task.WhenAll(stdout, stderr);
        }

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
}
