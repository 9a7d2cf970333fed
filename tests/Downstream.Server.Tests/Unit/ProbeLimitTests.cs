using Downstream.Server.Hosting;
using Downstream.Server.Media;
using Downstream.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Tests.Unit;

/// <summary>At most <see cref="DownstreamOptions.MaxConcurrentProbes"/> ffprobe processes run at once.</summary>
public sealed class ProbeLimitTests : IDisposable
{
    private readonly TempDir _dir = new("downstream-probes");
    private readonly MediaFiles _media = new();

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Probes_beyond_the_limit_wait_their_turn(int limit)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new SkipException("the stand-in ffprobe is a shell script");
        }

        // An ffprobe that records how many of it run at once, then does the real work.
        var counter = _dir.File("running");
        var peak = _dir.File("peak");
        var wrapper = _dir.File("ffprobe");
        await File.WriteAllTextAsync(wrapper, $"""
            #!/bin/sh
            exec 9>"{counter}.lock"
            flock 9; n=$(( $(cat "{counter}" 2>/dev/null || echo 0) + 1 )); echo $n > "{counter}"
            [ "$n" -gt "$(cat "{peak}" 2>/dev/null || echo 0)" ] && echo $n > "{peak}"; flock -u 9
            sleep 0.3
            flock 9; echo $(( $(cat "{counter}") - 1 )) > "{counter}"; flock -u 9
            exec ffprobe "$@"
            """);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var prober = new MediaProber(
            Options.Create(new DownstreamOptions { FfprobePath = wrapper, MaxConcurrentProbes = limit }), NullLogger<MediaProber>.Instance);
        var file = await _media.SilentAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => prober.ProbeAsync(file, -1, CancellationToken.None)));

        Assert.All(results, r => Assert.NotNull(r.Media));
        Assert.Equal(limit, int.Parse((await File.ReadAllTextAsync(peak)).Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        _media.Dispose();
        _dir.Dispose();
    }
}
