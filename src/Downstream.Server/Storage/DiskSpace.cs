using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Storage;

/// <summary>
/// Refuses new media before any byte is stored when it would leave the data folder with less than
/// <see cref="DownstreamOptions.MinFreeBytes"/>, so a full disk is a clear answer rather than a failed write.
/// </summary>
public sealed class DiskSpace(IOptions<DownstreamOptions> options, Func<string, long>? freeBytesOf = null)
{
    private readonly Func<string, long> _freeBytesOf = freeBytesOf ?? (path => new DriveInfo(path).AvailableFreeSpace);

    /// <summary>Throws 507 unless <paramref name="incomingBytes"/> more would still leave the reserve free.</summary>
    public void EnsureRoomFor(long incomingBytes)
    {
        var settings = options.Value;
        Directory.CreateDirectory(settings.FullDataDir);
        var free = _freeBytesOf(settings.FullDataDir);
        if (free - Math.Max(0, incomingBytes) < settings.MinFreeBytes)
        {
            throw ApiErrors.StorageFull(
                $"The server is low on disk space ({free / (1024 * 1024)} MiB free); try again once space has been freed.");
        }
    }
}
