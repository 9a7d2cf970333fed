using Downstream.Server.Api;
using Downstream.Server.Storage;
using Downstream.Server.Videos;

namespace Downstream.Server.Hosting;

/// <summary>Deletes videos whose <c>scheduledDeletion</c> has passed and staging files a crash left behind.</summary>
public sealed class Janitor(
    IVideoStore videos, IServiceScopeFactory scopes, IBlobStore blobs, TimeProvider time, ILogger<Janitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StagingMaxAge = TimeSpan.FromHours(6);

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
        var service = scope.ServiceProvider.GetRequiredService<VideoService>();
        foreach (var uid in await videos.ListExpiredAsync(time.GetUtcNow(), cancellationToken))
        {
            try
            {
                await service.DeleteAsync(uid, cancellationToken);
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
    }
}
