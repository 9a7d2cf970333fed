using Downstream.Server.Media;
using Downstream.Server.Storage;

namespace Downstream.Server.Videos;

/// <summary>
/// The last step of every ingest: ffprobe decides, then the source is kept (ready) or dropped (error)
/// and the video gets its state, duration and size.
/// </summary>
public sealed class VideoIngest(MediaProber prober, TimeProvider time, ILogger<VideoIngest> logger)
{
    /// <summary>Probes the filled staging file and returns the video as it should now be stored.</summary>
    public async Task<Video> FinishAsync(Video video, IBlobWrite source, long size, CancellationToken cancellationToken)
    {
        var decided = await DecideAsync(video, source.StagingPath, size, cancellationToken);
        if (decided.State == VideoStates.Ready)
        {
            await source.CommitAsync(cancellationToken);
        }

        return decided;
    }

    /// <summary>Probes the file at <paramref name="path"/> (the video's source) and returns the video as ready or error.</summary>
    public async Task<Video> DecideAsync(Video video, string path, long size, CancellationToken cancellationToken)
    {
        var probe = await prober.ProbeAsync(path, video.MaxDurationSeconds, cancellationToken);
        var now = time.GetUtcNow();
        if (probe.Media is not { } media)
        {
            logger.LogInformation("Video {Uid} rejected: {Code} {Text}", video.Uid, probe.ErrorReasonCode, probe.ErrorReasonText);
            return Failed(video with { Size = size, Uploaded = video.Uploaded ?? now }, probe.ErrorReasonCode!, probe.ErrorReasonText!, now);
        }

        return video with
        {
            State = VideoStates.Ready,
            PctComplete = 100,
            Duration = Math.Round(media.Duration, 3),
            Width = media.HasVideo ? media.Width : -1,
            Height = media.HasVideo ? media.Height : -1,
            Size = size,
            Media = media,
            Uploaded = video.Uploaded ?? now,
            ReadyAt = now,
            Modified = now,
            ErrorReasonCode = null,
            ErrorReasonText = null,
        };
    }

    /// <summary>The video with its bytes stored and waiting for the probe job (<c>queued</c>).</summary>
    public Video Stored(Video video, long size)
    {
        var now = time.GetUtcNow();
        return video with { State = VideoStates.Queued, Size = size, Uploaded = now, Modified = now, ErrorReasonCode = null, ErrorReasonText = null };
    }

    public static Video Failed(Video video, string code, string text, DateTimeOffset now) => video with
    {
        State = VideoStates.Error,
        ErrorReasonCode = code,
        ErrorReasonText = text,
        Modified = now,
    };
}
