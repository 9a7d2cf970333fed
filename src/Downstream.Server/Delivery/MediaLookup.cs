using Downstream.Server.Downloads;
using Downstream.Server.Storage;

namespace Downstream.Server.Delivery;

/// <summary>What delivery needs to know of a video: whether it is private, and its downloads.</summary>
public sealed record MediaEntry(string AccountId, bool RequireSignedUrls, string AllowedOrigins, IReadOnlyList<Download> Downloads);

/// <summary>Delivery's reads, cached while the store is unchanged: Range-heavy players ask many times a second.</summary>
public sealed class MediaLookup(IVideoStore videos, IDownloadStore downloads, IChangeStamp stamps)
{
    private readonly StampedCache<string, MediaEntry?> _entries = new(stamps);

    public ValueTask<MediaEntry?> FindAsync(string uid, CancellationToken cancellationToken) =>
        _entries.GetOrReadAsync(uid, async (key, ct) =>
            await videos.GetAsync(key, ct) is { } video ? new MediaEntry(video.AccountId, video.RequireSignedUrls, video.AllowedOrigins, await downloads.ListAsync(key, ct)) : null,
            cancellationToken);
}
