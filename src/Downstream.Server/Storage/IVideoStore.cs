using Downstream.Server.Jobs;
using Downstream.Server.Videos;

namespace Downstream.Server.Storage;

/// <summary>Videos of all accounts. Deleting one removes its downloads and jobs with it.</summary>
public interface IVideoStore
{
    /// <summary>Adds a video, and with it the job that ingests it when one is given.</summary>
    Task InsertAsync(Video video, Job? ingestJob, CancellationToken cancellationToken);

    Task<Video?> GetAsync(string uid, CancellationToken cancellationToken);

    Task<VideoPage> ListAsync(string accountId, VideoQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the fields a user edits (meta, name, creator, requireSignedURLs, allowedOrigins,
    /// thumbnailTimestampPct, scheduledDeletion, maxDurationSeconds) and nothing else; false when the video is gone.
    /// </summary>
    Task<bool> UpdateEditableAsync(Video video, CancellationToken cancellationToken);

    /// <summary>
    /// Writes what ingest decided (state, progress, error, duration, size, media, times) and nothing else, and
    /// only while the video is still in <paramref name="expectedState"/>; false when it is gone or moved on.
    /// </summary>
    Task<bool> FinishIngestAsync(Video video, string expectedState, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string uid, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="uids"/> are videos, for the janitor's sweep of orphaned media.</summary>
    Task<IReadOnlySet<string>> ExistingAsync(IReadOnlyList<string> uids, CancellationToken cancellationToken);

    /// <summary>Uids of videos whose <c>scheduledDeletion</c> has passed.</summary>
    Task<IReadOnlyList<string>> ListExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

public sealed record VideoQuery
{
    public int Limit { get; init; } = 1000;

    public bool Ascending { get; init; }

    /// <summary>Count the matching videos too (<c>include_counts=true</c>): a scan of them, so only on request.</summary>
    public bool IncludeCounts { get; init; }

    public DateTimeOffset? Before { get; init; }

    public DateTimeOffset? After { get; init; }

    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }

    public string? State { get; init; }

    public string? Search { get; init; }

    public string? Creator { get; init; }
}

/// <param name="Videos">The page.</param>
/// <param name="Range">Videos matching the filters from the cursor on, this page included.</param>
/// <param name="Total">Videos matching the filters, whatever the cursor.</param>
/// <param name="Range">Videos matching on the cursor's side; null unless counts were asked for.</param>
/// <param name="Total">Videos matching the filters; null unless counts were asked for.</param>
public sealed record VideoPage(IReadOnlyList<Video> Videos, int? Range, int? Total);
