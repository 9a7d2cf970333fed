using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Jobs;
using Downstream.Server.Media;
using Downstream.Server.Storage;
using Downstream.Server.Videos;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Downloads;

/// <summary>Lists, creates and deletes the downloads of a video.</summary>
public sealed class DownloadService(
    VideoService videos,
    IDownloadStore downloads,
    IJobQueue jobs,
    IBlobStore blobs,
    RunningJobs running,
    JobSignal signal,
    IOptions<DownstreamOptions> options,
    TimeProvider time,
    IChangeStamp stamps,
    ILogger<DownloadService> logger)
{
    // The hottest read of the API: clients poll it while jobs run. Kept as the bytes that are sent.
    private readonly StampedCache<(string AccountId, string Uid, string BaseUrl), byte[]?> _answers = new(stamps);

    /// <summary>The serialized answer of GET .../downloads, made by <paramref name="serialize"/> once per store change.</summary>
    public async Task<byte[]> ListJsonAsync(
        string accountId, string identifier, string baseUrl, Func<IReadOnlyList<Download>, byte[]> serialize, CancellationToken cancellationToken)
    {
        var uid = Ids.Require(identifier, "identifier");
        return await _answers.GetOrReadAsync((accountId, uid, baseUrl), async (key, ct) =>
                await downloads.ListForAccountAsync(key.AccountId, key.Uid, ct) is { } list ? serialize(list) : null, cancellationToken)
            ?? throw ApiErrors.NotFound($"Video not found: {uid}");
    }

    /// <summary>The downloads of the account's video (read from the store); 404 when there is no such video.</summary>
    public async Task<IReadOnlyList<Download>> ListAsync(string accountId, string identifier, CancellationToken cancellationToken)
    {
        var uid = Ids.Require(identifier, "identifier");
        return await downloads.ListForAccountAsync(accountId, uid, cancellationToken) ?? throw ApiErrors.NotFound($"Video not found: {uid}");
    }

    /// <summary>Creates the download unless it exists (a repeat is a no-op); returns all downloads of the video.</summary>
    public async Task<IReadOnlyList<Download>> CreateAsync(
        string accountId, string identifier, DownloadType type, CancellationToken cancellationToken)
    {
        var video = await videos.GetAsync(accountId, identifier, cancellationToken);
        var waiting = video.State is VideoStates.Queued or VideoStates.InProgress;
        if (!waiting && (!video.ReadyToStream || video.Media is null))
        {
            throw ApiErrors.BadRequest(
                $"Video {video.Uid} is not ready to stream (state: {video.State}); downloads can be created once it is ready.");
        }

        var now = time.GetUtcNow();
        var existing = await downloads.GetAsync(video.Uid, type.Name, cancellationToken);
        if (existing is null || existing.Status == DownloadStatuses.Error)
        {
            var jobId = Ids.New();
            string? reason = null;

            // A video still being probed has no media to plan from: its download waits for the probe (which wakes it).
            var plan = waiting ? null : DownloadPlanner.Plan(video.Media!, type, options.Value.MaxHeight, out reason);
            var download = new Download
            {
                VideoUid = video.Uid,
                Type = type.Name,
                Status = plan is null && !waiting ? DownloadStatuses.Error : DownloadStatuses.InProgress,
                ErrorText = reason,
                ErrorCode = reason is null ? null : DownloadErrors.NoAudio,
                JobId = jobId,
                Created = now,
                Modified = now,
            };
            var job = plan is null && !waiting ? null : new Job
            {
                Id = jobId,
                Kind = JobKinds.Download,
                VideoUid = video.Uid,
                DownloadType = type.Name,
                AvailableAt = waiting ? JobKinds.Waiting : now,
                Created = now,
            };
            if (await downloads.CreateAsync(download, job, cancellationToken))
            {
                if (waiting && await videos.GetAsync(accountId, video.Uid, cancellationToken) is { State: not (VideoStates.Queued or VideoStates.InProgress) })
                {
                    // The probe finished between the read above and this insert: it could not wake this job.
                    await jobs.WakeAsync(video.Uid, time.GetUtcNow(), cancellationToken);
                }

                signal.Notify();
                logger.LogInformation("Download {VideoUid} {Type} queued as job {JobId}", video.Uid, type.Name, jobId);
            }
            else if (plan is null && !waiting)
            {
                logger.LogWarning("Download {VideoUid} {Type} cannot be made: {Reason}", video.Uid, type.Name, reason);
            }
        }

        return await downloads.ListAsync(video.Uid, cancellationToken);
    }

    /// <summary>Deletes one download, stopping its job and removing its file.</summary>
    public async Task DeleteAsync(string accountId, string identifier, DownloadType type, CancellationToken cancellationToken)
    {
        var video = await videos.GetAsync(accountId, identifier, cancellationToken);
        if (!await downloads.DeleteAsync(video.Uid, type.Name, cancellationToken))
        {
            throw ApiErrors.NotFound($"Download not found: {video.Uid}/{type.Name}");
        }

        running.Cancel(video.Uid, type.Name);
        await blobs.DeleteAsync(DownloadType.BlobKey(video.Uid, type), CancellationToken.None);
    }
}
