namespace Downstream.Server.Media;

/// <summary>
/// A server killed with SIGKILL leaves its ffmpeg children running: they ignore the closed progress
/// pipe. At start, this stops those orphans (an ffmpeg writing below our media folder whose parent is
/// no longer a Downstream server) and removes its staging file, so a restart does not share the CPU
/// with dead jobs. Linux only.
/// </summary>
public static class OrphanedFfmpeg
{
    public static int Kill(string mediaRoot, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc"))
        {
            return 0;
        }

        var killed = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var args = CommandLine(pid);
                var staging = args.Skip(1).Select(a => a.StartsWith("file:", StringComparison.Ordinal) ? a[5..] : a)
                    .Where(a => a.StartsWith(mediaRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) && a.EndsWith(".partial", StringComparison.Ordinal))
                    .ToList();
                if (args.Length == 0 || Path.GetFileName(args[0]) != "ffmpeg" || staging.Count == 0)
                {
                    continue;
                }

                var parent = ParentOf(pid);
                if (parent > 1 && CommandLine(parent).Any(a => a.EndsWith("Downstream.Server.dll", StringComparison.Ordinal) || a.EndsWith("Downstream.Server", StringComparison.Ordinal)))
                {
                    continue;
                }

                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
                foreach (var file in staging)
                {
                    File.Delete(file);
                }

                killed++;
                logger.LogWarning("Stopped orphaned ffmpeg {Pid} left by a crashed server and removed its staging file", pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // The process ended while we looked, or is not ours to see.
            }
        }

        return killed;
    }

    private static string[] CommandLine(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static int ParentOf(int pid)
    {
        // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
