using Downstream.Server.Jobs;
using Downstream.Server.Media;
using Downstream.Server.Storage;

namespace Downstream.Server.Videos;

/// <summary>
/// Decides an uploaded video after its answer went out: <c>queued</c>, then <c>inprogress</c> while ffprobe reads the
/// stored source, then <c>ready</c> or <c>error</c> (the source dropped). Downloads asked for meanwhile start then.
/// </summary>
public sealed class IngestJobHandler(
    IVideoStore videos,
    IBlobStore blobs,
    IJobQueue jobs,
    JobSignal signal,
    VideoIngest ingest,
    IEnumerable<ISourceAssembler> assemblers,
    TimeProvider time,
    ILogger<IngestJobHandler> logger,
    Hosting.Metrics.DownstreamMetrics? metrics = null) : IJobHandler
{
    public string Kind => JobKinds.Ingest;

    public async Task RunAsync(Job job, CancellationToken cancellationToken)
    {
        var video = await videos.GetAsync(job.VideoUid, cancellationToken);
        if (video is not { State: VideoStates.Queued or VideoStates.InProgress })
        {
            return;
        }

        foreach (var assembler in assemblers)
        {
            await assembler.AssembleAsync(video.Uid, cancellationToken);
        }

        if (video.State == VideoStates.Queued)
        {
            video = video with { State = VideoStates.InProgress, Modified = time.GetUtcNow() };
            if (!await videos.FinishIngestAsync(video, VideoStates.Queued, cancellationToken))
            {
                return;
            }
        }

        Video decided;
        await using (var source = await blobs.OpenLocalAsync(VideoKeys.Source(video.Uid), cancellationToken))
        {
            decided = source is null
                ? VideoIngest.Failed(video, ErrorReasons.Unknown, "The uploaded file is missing.", time.GetUtcNow())
                : await ingest.DecideAsync(video, source.Path, video.Size, cancellationToken);
        }

        if (decided.State != VideoStates.Ready)
        {
            metrics?.JobFailed(JobKinds.Ingest, decided.ErrorReasonCode ?? ErrorReasons.Unknown);
            await blobs.DeleteAsync(VideoKeys.Source(video.Uid), CancellationToken.None);
        }

        if (!await videos.FinishIngestAsync(decided, VideoStates.InProgress, CancellationToken.None))
        {
            if (await videos.GetAsync(video.Uid, CancellationToken.None) is null)
            {
                await blobs.DeletePrefixAsync(VideoKeys.Prefix(video.Uid), CancellationToken.None);
            }

            return;
        }

        // Downloads asked for while the video was queued waited for this; they now run (or fail, on error).
        if (await jobs.WakeAsync(video.Uid, time.GetUtcNow(), CancellationToken.None) > 0)
        {
            signal.Notify();
        }

        logger.LogInformation("Video {Uid} ingested: {Bytes} bytes, {State}", video.Uid, decided.Size, decided.State);
    }

    public async Task GiveUpAsync(Job job, string reason, CancellationToken cancellationToken)
    {
        if (await videos.GetAsync(job.VideoUid, cancellationToken) is { State: VideoStates.Queued or VideoStates.InProgress } video)
        {
            await blobs.DeleteAsync(VideoKeys.Source(video.Uid), CancellationToken.None);
            var failed = VideoIngest.Failed(video, ErrorReasons.Unknown, "The uploaded file could not be processed.", time.GetUtcNow());
            await videos.FinishIngestAsync(failed, video.State, cancellationToken);
            await jobs.WakeAsync(video.Uid, time.GetUtcNow(), cancellationToken);
        }
    }
}

/// <summary>
/// Puts together a video's source from what an upload left in pieces (a finished tus upload), before the
/// ingest job probes it. Does nothing when there is nothing to put together; safe to run again.
/// </summary>
public interface ISourceAssembler
{
    Task AssembleAsync(string videoUid, CancellationToken cancellationToken);
}
