using Downstream.Server.Api;
using Downstream.Server.Storage;
using Downstream.Server.Videos;

namespace Downstream.Server.Hosting;

/// <summary>
/// Deletes videos whose <c>scheduledDeletion</c> has passed, staging files a crash left behind, and media
/// folders whose video row does not exist (a delete that could not remove them, a crash between storing a
/// file and recording its video), once nothing in them changed for <see cref="OrphanGrace"/>.
/// </summary>
public sealed class Janitor(
    IVideoStore videos, IServiceScopeFactory scopes, IBlobStore blobs, TimeProvider time, ILogger<Janitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StagingMaxAge = TimeSpan.FromHours(6);
    public static readonly TimeSpan OrphanGrace = TimeSpan.FromHours(1);
    private DateTimeOffset _lastOrphanSweep = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Janitor sweep failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        if (scope.ServiceProvider.GetService<DirectUploadService>() is { } directUploads)
        {
            await directUploads.ExpireAsync(cancellationToken);
        }

        if (scope.ServiceProvider.GetService<Tus.TusExpiry>() is { } tus)
        {
            await tus.ExpireAsync(cancellationToken);
        }

        foreach (var uid in await videos.ListExpiredAsync(time.GetUtcNow(), cancellationToken))
        {
            try
            {
                await scope.ServiceProvider.GetRequiredService<VideoService>().DeleteAsync(uid, cancellationToken);
                logger.LogInformation("Video {Uid} deleted as scheduled", uid);
            }
            catch (ApiException)
            {
                // Deleted by someone else meanwhile.
            }
        }

        if (blobs is LocalBlobStore local)
        {
            var removed = local.DeleteStaleStagingFiles(StagingMaxAge, time.GetUtcNow());
            if (removed > 0)
            {
                logger.LogInformation("Removed {Count} stale staging files", removed);
            }

        }
        else if (blobs is Storage.S3.S3BlobStore s3)
        {
            var removed = s3.DeleteStaleScratchFiles(StagingMaxAge, time.GetUtcNow());
            if (removed > 0)
            {
                logger.LogInformation("Removed {Count} stale scratch files", removed);
            }
        }

        // Listing every blob is not free on a large bucket: orphans are looked for once per grace period.
        if (time.GetUtcNow() - _lastOrphanSweep >= OrphanGrace)
        {
            _lastOrphanSweep = time.GetUtcNow();
            await SweepOrphansAsync(cancellationToken);
        }
    }

    private async Task SweepOrphansAsync(CancellationToken cancellationToken)
    {
        if (blobs is Storage.S3.S3BlobStore s3)
        {
            var aborted = await s3.AbortStaleUploadsAsync(StagingMaxAge, time.GetUtcNow(), cancellationToken);
            if (aborted > 0)
            {
                logger.LogInformation("Aborted {Count} multipart uploads left open by stopped nodes", aborted);
            }
        }

        foreach (var batch in (await blobs.QuietVideosAsync(OrphanGrace, time.GetUtcNow(), cancellationToken)).Chunk(500))
        {
            var existing = await videos.ExistingAsync(batch, cancellationToken);
            foreach (var uid in batch.Where(uid => !existing.Contains(uid)))
            {
                await blobs.DeletePrefixAsync(VideoKeys.Prefix(uid), cancellationToken);
                logger.LogInformation("Removed the media of video {Uid}, which no longer exists", uid);
            }
        }
    }
}
