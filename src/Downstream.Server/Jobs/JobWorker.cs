using Downstream.Server.Hosting;
using Downstream.Server.Storage;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Jobs;

/// <summary>
/// Runs queued jobs: <see cref="DownstreamOptions.WorkerConcurrency"/> loops for downloads (ffmpeg, CPU-bound) and
/// <see cref="DownstreamOptions.CopyConcurrency"/> loops for copies (network-bound), so slow origins never hold
/// the downloads up. Each claim holds a lease renewed while the job runs; a lost lease (the job was deleted or
/// claimed again) cancels the work, and a shutdown hands the job back so a restart or another node carries on.
/// </summary>
public sealed class JobWorker(
    IJobQueue queue,
    IEnumerable<IJobHandler> handlers,
    RunningJobs running,
    JobSignal signal,
    IOptions<DownstreamOptions> options,
    TimeProvider time,
    ILogger<JobWorker> logger,
    Hosting.Metrics.DownstreamMetrics? metrics = null) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    // Probes are short: every loop takes them, so a long copy or transcode never holds a new upload back.
    private static readonly string[] DownloadKinds = [JobKinds.Ingest, JobKinds.Download];
    private static readonly string[] CopyKinds = [JobKinds.Ingest, JobKinds.Copy];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.WorkerConcurrency).Select(_ => LoopAsync(DownloadKinds, stoppingToken))
            .Concat(Enumerable.Range(0, options.Value.CopyConcurrency).Select(_ => LoopAsync(CopyKinds, stoppingToken))));

    private async Task LoopAsync(IReadOnlyList<string> kinds, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var next = signal.Next;
                var job = await queue.ClaimAsync(_owner, kinds, time.GetUtcNow(), options.Value.JobLease, stoppingToken);
                if (job is null)
                {
                    await JobSignal.WaitAsync(next, options.Value.JobPollInterval, time, stoppingToken);
                    continue;
                }

                await RunAsync(job, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The queue itself failed (database busy or gone): wait a moment, then look again.
                logger.LogError(ex, "Job loop error");
                await JobSignal.WaitAsync(Task.Delay(Timeout.Infinite, stoppingToken), options.Value.JobPollInterval, time, CancellationToken.None);
            }
        }
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        if (!_handlers.TryGetValue(job.Kind, out var handler))
        {
            logger.LogError("Job {JobId} has unknown kind {Kind}; dropping it", job.Id, job.Kind);
            await queue.CompleteAsync(job, CancellationToken.None);
            return;
        }

        if (job.Attempts > options.Value.JobMaxAttempts)
        {
            logger.LogWarning("Job {JobId} ({Kind}) gave up after {Attempts} attempts", job.Id, job.Kind, job.Attempts - 1);
            await handler.GiveUpAsync(job, $"gave up after {job.Attempts - 1} attempts", CancellationToken.None);
            await queue.CompleteAsync(job, CancellationToken.None);
            return;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var tracked = running.Track(job, cancel);
        var heartbeat = HeartbeatAsync(job, cancel);
        var started = time.GetTimestamp();
        var outcome = "ok";
        try
        {
            logger.LogInformation("Job {JobId} ({Kind} {VideoUid} {DownloadType}) started, attempt {Attempt}",
                job.Id, job.Kind, job.VideoUid, job.DownloadType, job.Attempts);
            await handler.RunAsync(job, cancel.Token);
            await queue.CompleteAsync(job, CancellationToken.None);
            logger.LogInformation("Job {JobId} finished", job.Id);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            outcome = "handed_back";
            await queue.ReleaseAsync(job, time.GetUtcNow(), CancellationToken.None);
            logger.LogInformation("Job {JobId} handed back at shutdown", job.Id);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Deleted while running (or the lease was lost): the row is gone or someone else's.
            outcome = "cancelled";
            logger.LogInformation("Job {JobId} cancelled", job.Id);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Job {JobId} attempt {Attempt} failed", job.Id, job.Attempts);
            var givingUp = job.Attempts >= options.Value.JobMaxAttempts;
            outcome = givingUp ? "gave_up" : "retry";
            metrics?.JobFailed(job.Kind, outcome);
            if (givingUp)
            {
                await handler.GiveUpAsync(job, ex.Message, CancellationToken.None);
                await queue.CompleteAsync(job, CancellationToken.None);
            }
            else
            {
                var backoff = TimeSpan.FromSeconds(Math.Min(60, 2 * Math.Pow(2, job.Attempts)));
                await queue.ReleaseAsync(job, time.GetUtcNow() + backoff, CancellationToken.None);
            }
        }
        finally
        {
            await cancel.CancelAsync();
            await heartbeat;
            metrics?.JobRan(job.Kind, outcome, time.GetElapsedTime(started));
        }
    }

    private async Task HeartbeatAsync(Job job, CancellationTokenSource cancel)
    {
        using var timer = new PeriodicTimer(options.Value.JobLease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancel.Token))
            {
                try
                {
                    if (!await queue.RenewAsync(job, time.GetUtcNow() + options.Value.JobLease, cancel.Token))
                    {
                        logger.LogInformation("Job {JobId} no longer ours; stopping it", job.Id);
                        await cancel.CancelAsync();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A busy database must not kill the heartbeat; the next tick tries again.
                    logger.LogWarning(ex, "Lease renewal of job {JobId} failed", job.Id);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
