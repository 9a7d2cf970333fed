using Downstream.Server.Hosting;
using Downstream.Server.Jobs;
using Downstream.Server.Media;
using Downstream.Server.Storage;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Videos;

/// <summary>
/// Fetches a video from its URL (state <c>downloading</c>) with <see cref="OriginFetcher"/>, then ingests it.
/// Passing failures (unreachable, stalled, 5xx) are retried by the worker; refusals and an origin's 4xx are final.
/// </summary>
public sealed class CopyJobHandler(
    IVideoStore videos,
    IBlobStore blobs,
    VideoIngest ingest,
    OriginFetcher fetcher,
    IOptions<DownstreamOptions> options,
    TimeProvider time,
    ILogger<CopyJobHandler> logger,
    Hosting.Metrics.DownstreamMetrics? metrics = null) : IJobHandler
{
    public string Kind => JobKinds.Copy;

    public async Task RunAsync(Job job, CancellationToken cancellationToken)
    {
        var video = await videos.GetAsync(job.VideoUid, cancellationToken);
        if (video is not { State: VideoStates.Downloading, SourceUrl: { } url })
        {
            return;
        }

        await using var source = await blobs.BeginWriteAsync(VideoKeys.Source(video.Uid), cancellationToken);
        long length;
        try
        {
            length = await fetcher.FetchAsync(new Uri(url), source.StagingPath, options.Value.MaxUploadBytes, cancellationToken);
        }
        catch (OriginException ex) when (ex.Final || job.Attempts >= options.Value.JobMaxAttempts)
        {
            await FailAsync(video, ErrorReasons.FetchOriginError, ex.Message, cancellationToken);
            return;
        }

        // The video may have been edited while it downloaded: re-read it, so ingest sees its latest
        // maxDurationSeconds, and write back only ingest's own columns.
        video = await videos.GetAsync(job.VideoUid, cancellationToken) ?? video;
        metrics?.Uploaded("copy", length);
        var finished = await ingest.FinishAsync(video, source, length, cancellationToken);
        if (!await videos.FinishIngestAsync(finished, VideoStates.Downloading, cancellationToken))
        {
            // Deleted meanwhile: take away what was just stored. A video that still exists was finished
            // by a newer claim of this job (this one's lease lapsed): its files, downloads included, stay.
            if (await videos.GetAsync(video.Uid, CancellationToken.None) is null)
            {
                await blobs.DeletePrefixAsync(VideoKeys.Prefix(video.Uid), CancellationToken.None);
            }

            return;
        }

        logger.LogInformation("Video {Uid} copied from {Url}: {Bytes} bytes, {State}", video.Uid, OriginFetcher.Redact(new Uri(url)), length, finished.State);
    }

    public async Task GiveUpAsync(Job job, string reason, CancellationToken cancellationToken)
    {
        if (await videos.GetAsync(job.VideoUid, cancellationToken) is { } video)
        {
            // The reason may be an internal error's text: users get a plain one (the log has the details).
            await FailAsync(video, ErrorReasons.FetchOriginError, "The file could not be fetched from the origin.", cancellationToken);
        }
    }

    private async Task FailAsync(Video video, string code, string text, CancellationToken cancellationToken)
    {
        logger.LogInformation("Copy of video {Uid} failed: {Text}", video.Uid, text);
        metrics?.JobFailed(JobKinds.Copy, code);
        await videos.FinishIngestAsync(VideoIngest.Failed(video, code, text, time.GetUtcNow()), VideoStates.Downloading, cancellationToken);
    }
}
