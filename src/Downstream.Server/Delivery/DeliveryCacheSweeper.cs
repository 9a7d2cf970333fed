using Downstream.Server.Storage;

namespace Downstream.Server.Delivery;

/// <summary>
/// Once a minute, drops this node's delivery copies of videos that no longer exist (deleted through another
/// node): they could not be served anyway, as access is checked first, but a deleted video's bytes should go.
/// </summary>
public sealed class DeliveryCacheSweeper(DeliveryCache cache, IVideoStore videos, TimeProvider time, ILogger<DeliveryCacheSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cache.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Delivery cache sweep failed");
            }
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        if (cache.Videos() is not { Count: > 0 } cached)
        {
            return;
        }

        var existing = await videos.ExistingAsync(cached, cancellationToken);
        foreach (var uid in cached.Where(uid => !existing.Contains(uid)))
        {
            cache.Forget(uid);
        }
    }
}
