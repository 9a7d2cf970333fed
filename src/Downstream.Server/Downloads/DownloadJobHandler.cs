using Downstream.Server.Hosting;
using Downstream.Server.Jobs;
using Downstream.Server.Media;
using Downstream.Server.Storage;
using Downstream.Server.Videos;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Downloads;

/// <summary>
/// Makes one download file with ffmpeg into a staging file, records progress as it goes, and
/// renames the file into place only after a clean exit, so no partial file is ever served.
/// </summary>
public sealed class DownloadJobHandler(
    IVideoStore videos,
    IDownloadStore downloads,
    IBlobStore blobs,
    FfmpegRunner ffmpeg,
    JobLogs logs,
    IOptions<DownstreamOptions> options,
    TimeProvider time,
    ILogger<DownloadJobHandler> logger,
    Hosting.Metrics.DownstreamMetrics? metrics = null) : IJobHandler
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    public string Kind => JobKinds.Download;

    public async Task RunAsync(Job job, CancellationToken cancellationToken)
    {
        try
        {
            await RunCoreAsync(job, cancellationToken);
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            // A full disk while fetching the source or writing the file: said as such, not as a retry count.
            await FailAsync(job, DownloadType.Find(job.DownloadType) ?? DownloadType.Default, DownloadErrors.DiskFull, DiskFullText, CancellationToken.None);
        }
    }

    /// <summary>How ENOSPC reads, in .NET's messages and in ffmpeg's.</summary>
    private const string NoSpace = "No space left on device";

    private const string DiskFullText = "The disk is full: there was no room for the file.";

    /// <summary>ENOSPC, whichever way .NET reports it.</summary>
    private static bool IsDiskFull(IOException ex) =>
        ex.HResult == 28 || (ex.HResult & 0xFFFF) == 28 || ex.Message.Contains(NoSpace, StringComparison.Ordinal);

    private async Task RunCoreAsync(Job job, CancellationToken cancellationToken)
    {
        var type = DownloadType.Find(job.DownloadType)
            ?? throw new InvalidOperationException($"Job {job.Id} names no known download type.");
        var video = await videos.GetAsync(job.VideoUid, cancellationToken);
        var download = await downloads.GetAsync(job.VideoUid, type.Name, cancellationToken);
        if (video is null || download is null || download.JobId != job.Id)
        {
            return;
        }

        if (video.State == VideoStates.Error)
        {
            await FailAsync(job, type, DownloadErrors.VideoFailed, $"The video could not be ingested: {video.ErrorReasonText}", cancellationToken);
            return;
        }

        string? reason = null;
        var plan = video.Media is null ? null : DownloadPlanner.Plan(video.Media, type, options.Value.MaxHeight, out reason);
        await using var source = plan is null ? null : await blobs.OpenLocalAsync(VideoKeys.Source(video.Uid), cancellationToken);
        if (plan is null || source is null)
        {
            await FailAsync(job, type, reason is null ? DownloadErrors.SourceMissing : DownloadErrors.NoAudio, reason ?? "The video's source media is missing.", cancellationToken);
            return;
        }

        await using var output = await blobs.BeginWriteAsync(DownloadType.BlobKey(video.Uid, type), cancellationToken);
        var arguments = FfmpegArguments.ForDownload(source.Path, video.Media!.FormatName, output.StagingPath, plan, options.Value.X264Preset);
        var started = time.GetUtcNow();
        var lastSaved = started;
        var lastPercent = 0.0;
        var mode = plan.IsRemux ? "remux" : "transcode";
        await downloads.UpdateProgressAsync(video.Uid, type.Name, job.Id, new DownloadProgress(0, null, mode), started, CancellationToken.None);
        var timeout = Deadline(video.Duration);
        var exit = await ffmpeg.RunAsync(arguments, logs.PathOf(job), async line =>
        {
            if (FfmpegProgress.Parse(line, video.Duration) is not { } percent || percent <= lastPercent)
            {
                return;
            }

            var now = time.GetUtcNow();
            if (now - lastSaved < ProgressInterval)
            {
                return;
            }

            lastSaved = now;
            lastPercent = percent;
            // Time left at the pace so far: ffmpeg's speed, averaged over the whole run.
            var eta = (now - started).TotalSeconds * (100 - percent) / percent;
            await downloads.UpdateProgressAsync(video.Uid, type.Name, job.Id, new DownloadProgress(percent, eta), now, CancellationToken.None);
        }, timeout, cancellationToken);

        if (exit.TimedOut)
        {
            // Final, not retried: the same file would run out of time again.
            await output.DisposeAsync();
            await FailAsync(job, type, DownloadErrors.Timeout, $"Making the download took longer than the {timeout.TotalMinutes:0.#} minutes allowed for this video.", cancellationToken);
            return;
        }

        if (!exit.Succeeded || new FileInfo(output.StagingPath) is not { Exists: true, Length: > 0 })
        {
            // Free the space first: on a full disk the database needs it to record the failure.
            await output.DisposeAsync();
            logger.LogWarning("ffmpeg failed for {VideoUid} {Type} (exit {ExitCode}): {Error}", video.Uid, type.Name, exit.ExitCode, exit.ErrorTail);
            var diskFull = exit.ErrorTail.Contains(NoSpace, StringComparison.Ordinal);
            await FailAsync(job, type, diskFull ? DownloadErrors.DiskFull : DownloadErrors.Ffmpeg,
                diskFull ? DiskFullText : $"ffmpeg failed (exit code {exit.ExitCode}): {LastLine(exit.ErrorTail)}", cancellationToken);
            return;
        }

        metrics?.FfmpegSpeed(type.Name, mode, video.Duration, time.GetUtcNow() - started);

        // ffmpeg's faststart pass rewrites the file in place, so its bytes are final only now: one read, from the page cache.
        var sha256 = await Sha256Async(output.StagingPath, cancellationToken);
        var blob = await output.CommitAsync(cancellationToken);
        if (!await downloads.FinishAsync(video.Uid, type.Name, job.Id, new DownloadOutcome(DownloadStatuses.Ready, blob.Length, sha256), time.GetUtcNow(), CancellationToken.None))
        {
            // Deleted while we worked: take the file away again.
            await blobs.DeleteAsync(DownloadType.BlobKey(video.Uid, type), CancellationToken.None);
            return;
        }

        logger.LogInformation("Download {VideoUid} {Type} ready: {Bytes} bytes, {Mode}", video.Uid, type.Name, blob.Length, plan.IsRemux ? "remux" : "encode");
    }

    /// <summary>How long ffmpeg may run for media of <paramref name="durationSeconds"/>, from the configured base and rate.</summary>
    public TimeSpan Deadline(double durationSeconds) =>
        options.Value.FfmpegTimeoutBase + (options.Value.FfmpegTimeoutPerMediaSecond * Math.Max(0, durationSeconds));

    public Task GiveUpAsync(Job job, string reason, CancellationToken cancellationToken) =>
        FailAsync(job, DownloadType.Find(job.DownloadType) ?? DownloadType.Default, DownloadErrors.GaveUp, $"The job failed again and again ({reason}).", cancellationToken);

    private async Task FailAsync(Job job, DownloadType type, string code, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Download {VideoUid} {Type} failed: {Code} {Reason}", job.VideoUid, type.Name, code, reason);
        metrics?.JobFailed(job.Kind, code);
        await downloads.FinishAsync(job.VideoUid, type.Name, job.Id, DownloadOutcome.Failed(code, reason), time.GetUtcNow(), cancellationToken);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, cancellationToken));
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no error output" : lines[^1];
    }
}
