using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Media;
using Downstream.Server.Storage;
using Downstream.Server.Tests.Support;
using Downstream.Server.Videos;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Tests.Unit;

public sealed class LimitsUnitTests : IDisposable
{
    private readonly TempDir _dir = new("downstream-limits-unit");

    [Fact]
    public async Task A_capped_log_stops_at_its_limit_and_says_so_once()
    {
        var path = _dir.File("job.log");
        await using (var log = new CappedLog(path, maxBytes: 1000))
        {
            for (var i = 0; i < 500; i++)
            {
                await log.WriteLineAsync($"frame {i:D5}: the same warning again");
            }
        }

        var lines = await File.ReadAllLinesAsync(path);
        Assert.True(new FileInfo(path).Length < 1100, $"{new FileInfo(path).Length} bytes");
        Assert.Single(lines, line => line.StartsWith("[log truncated", StringComparison.Ordinal));
        Assert.Equal("frame 00000: the same warning again", lines[0]);
    }

    [Fact]
    public void Disk_space_keeps_the_reserve_free()
    {
        var options = Options.Create(new DownstreamOptions { DataDir = _dir.Path, MinFreeBytes = 100 });
        var space = new DiskSpace(options, _ => 1000);
        space.EnsureRoomFor(0);
        space.EnsureRoomFor(900);
        var refused = Assert.Throws<ApiException>(() => space.EnsureRoomFor(901));
        Assert.Equal(507, refused.Status);
        Assert.Throws<ApiException>(() => new DiskSpace(options, _ => 99).EnsureRoomFor(0));
    }

    [Fact]
    public void Upload_slots_refuse_one_more_with_429_and_free_on_dispose()
    {
        using var slots = new UploadSlots(Options.Create(new DownstreamOptions { MaxConcurrentUploads = 2 }));
        var first = slots.Take();
        using var second = slots.Take();
        var busy = Assert.Throws<ApiException>(slots.Take);
        Assert.Equal((429, 2), (busy.Status, busy.RetryAfterSeconds));
        first.Dispose();
        first.Dispose();
        using var third = slots.Take();
        Assert.Throws<ApiException>(slots.Take);
    }

    public void Dispose() => _dir.Dispose();
}
