using System.Text.Json;
using System.Text.Json.Nodes;
using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Jobs;
using Downstream.Server.Storage;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Videos;

/// <summary>Creating, reading, editing and deleting videos of an account.</summary>
public sealed class VideoService(
    IVideoStore videos,
    IBlobStore blobs,
    VideoIngest ingest,
    RunningJobs running,
    JobSignal signal,
    IOptions<DownstreamOptions> options,
    TimeProvider time,
    IChangeStamp stamps,
    UploadSlots uploadSlots,
    DiskSpace diskSpace,
    JobLogs jobLogs,
    Network.OutboundPolicy outbound,
    Delivery.DeliveryCache deliveryCache,
    ILogger<VideoService> logger,
    Hosting.Metrics.DownstreamMetrics? metrics = null)
{
    // A page of up to 1000 videos is large: only a few are kept, as the bytes that are sent.
    private readonly StampedCache<(string AccountId, VideoQuery Query, string PublicBase), byte[]> _pages = new(stamps, maxEntries: 32);

    /// <summary>The video, or 404 when it does not exist in this account.</summary>
    public async Task<Video> GetAsync(string accountId, string identifier, CancellationToken cancellationToken)
    {
        var uid = Ids.Require(identifier, "identifier");
        var video = await videos.GetAsync(uid, cancellationToken);
        return video is not null && video.AccountId == accountId
            ? video
            : throw ApiErrors.NotFound($"Video not found: {uid}");
    }

    public async Task<Video> UploadAsync(string accountId, HttpRequest request, CancellationToken cancellationToken)
    {
        var video = NewVideo(accountId, VideoStates.Queued, time.GetUtcNow());
        var creator = request.Headers["Upload-Creator"].ToString();
        if (creator.Length > 0)
        {
            video = video with { Creator = VideoEdit.UploadCreator(creator) };
        }

        video = await ReceiveAsync(video, request, nameFromFile: true, probeNow: false, cancellationToken);
        try
        {
            await videos.InsertAsync(video, IngestJob(video.Uid), CancellationToken.None);
        }
        catch
        {
            // The file is in place but its video could not be recorded: take it away again (the janitor would, later).
            await blobs.DeletePrefixAsync(VideoKeys.Prefix(video.Uid), CancellationToken.None);
            throw;
        }

        signal.Notify();
        logger.LogInformation("Video {Uid} uploaded: {Bytes} bytes, {State}", video.Uid, video.Size, video.State);
        return video;
    }

    /// <summary>The job that probes a stored upload (<see cref="IngestJobHandler"/>).</summary>
    public Job IngestJob(string uid)
    {
        var now = time.GetUtcNow();
        return new Job { Id = Ids.New(), Kind = JobKinds.Ingest, VideoUid = uid, AvailableAt = now, Created = now };
    }

    /// <summary>
    /// Receives the multipart <c>file</c> of <paramref name="request"/> as the source of <paramref name="video"/> and
    /// returns the video as it should be stored: with <paramref name="probeNow"/>, probed (<c>ready</c> with its media,
    /// or <c>error</c>); otherwise stored whole and durably, <c>queued</c> for <see cref="IngestJob"/>.
    /// </summary>
    public async Task<Video> ReceiveAsync(Video video, HttpRequest request, bool nameFromFile, bool probeNow, CancellationToken cancellationToken)
    {
        using var slot = uploadSlots.Take();
        diskSpace.EnsureRoomFor(request.ContentLength ?? 0);
        await using var source = await blobs.BeginWriteAsync(VideoKeys.Source(video.Uid), cancellationToken);
        var file = await UploadReader.CopyFileFieldAsync(
            request, source.StagingPath, options.Value.MaxUploadBytes, length => source.Written(length, complete: false), cancellationToken);

        // An S3 store sends the last part while ffprobe reads the file (or while the commit waits for it).
        source.Written(file.Length, complete: true);
        metrics?.Uploaded(probeNow ? "direct" : "multipart", file.Length);
        if (nameFromFile && file.FileName is not null)
        {
            video = video with { Meta = new JsonObject { ["name"] = file.FileName }.ToJsonString(), Name = file.FileName };
        }

        if (probeNow)
        {
            return await ingest.FinishAsync(video, source, file.Length, cancellationToken);
        }

        await source.CommitAsync(cancellationToken);
        return ingest.Stored(video, file.Length);
    }

    public async Task<Video> CopyAsync(string accountId, JsonElement? body, string? uploadCreator, CancellationToken cancellationToken)
    {
        if (body is not { } request)
        {
            throw ApiErrors.BadRequest("The request body must be JSON with the field 'url'.");
        }

        var urlText = request.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String ? url.GetString()
            : request.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.String ? input.GetString()
            : throw ApiErrors.InvalidUrl("The field 'url' is required and must be a string.");
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || urlText!.Length > 2048)
        {
            throw ApiErrors.InvalidUrl($"Invalid URL '{ApiErrors.Shorten(urlText ?? "")}': it must be an absolute http or https URL.");
        }

        try
        {
            await outbound.CheckBeforeFetchAsync(uri, cancellationToken);
        }
        catch (Network.OutboundRefusedException ex)
        {
            throw ApiErrors.InvalidUrl($"The URL cannot be copied: {ex.Message}");
        }

        diskSpace.EnsureRoomFor(0);
        var now = time.GetUtcNow();
        var video = VideoEdit.Apply(NewVideo(accountId, VideoStates.Downloading, now) with { SourceUrl = uri.AbsoluteUri }, request, now);
        var meta = JsonNode.Parse(video.Meta)!.AsObject();
        meta["downloaded-from"] = uri.AbsoluteUri;
        if (!string.IsNullOrEmpty(uploadCreator) && video.Creator is null)
        {
            video = video with { Creator = VideoEdit.UploadCreator(uploadCreator) };
        }

        video = video with { Meta = meta.ToJsonString() };
        var job = new Job { Id = Ids.New(), Kind = JobKinds.Copy, VideoUid = video.Uid, AvailableAt = now, Created = now };
        await videos.InsertAsync(video, job, cancellationToken);
        signal.Notify();
        return video;
    }

    public async Task<Video> EditAsync(string accountId, string identifier, JsonElement? body, CancellationToken cancellationToken)
    {
        var video = await GetAsync(accountId, identifier, cancellationToken);
        if (body is not { } changes)
        {
            return video;
        }

        var edited = VideoEdit.Apply(video, changes, time.GetUtcNow());
        return await videos.UpdateEditableAsync(edited, cancellationToken)
            ? edited
            : throw ApiErrors.NotFound($"Video not found: {video.Uid}");
    }

    /// <summary>The list answer, envelope and all, serialized once per change of the store.</summary>
    public async Task<byte[]> ListJsonAsync(string accountId, VideoQuery query, string publicBase, CancellationToken cancellationToken) =>
        await _pages.GetOrReadAsync((accountId, query, publicBase), async (key, ct) =>
        {
            var page = await videos.ListAsync(key.AccountId, key.Query, ct);
            var envelope = new VideoListEnvelope([.. page.Videos.Select(v => VideoDto.From(v, key.PublicBase))], true, [], [], page.Range, page.Total);
            return JsonSerializer.SerializeToUtf8Bytes(envelope, ApiJsonContext.Default.VideoListEnvelope);
        }, cancellationToken);

    /// <summary>Deletes the video, its downloads and files, and stops their jobs.</summary>
    public async Task DeleteAsync(string accountId, string identifier, CancellationToken cancellationToken)
    {
        var video = await GetAsync(accountId, identifier, cancellationToken);
        await DeleteAsync(video.Uid, cancellationToken);
    }

    public async Task DeleteAsync(string uid, CancellationToken cancellationToken)
    {
        if (!await videos.DeleteAsync(uid, cancellationToken))
        {
            throw ApiErrors.NotFound($"Video not found: {uid}");
        }

        running.Cancel(uid);
        deliveryCache.Forget(uid);
        try
        {
            await blobs.DeletePrefixAsync(VideoKeys.Prefix(uid), CancellationToken.None);
            jobLogs.DeleteForVideo(uid);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Amazon.S3.AmazonS3Exception or HttpRequestException)
        {
            // The row is gone, so the video is deleted; what is left on disk is the janitor's to sweep.
            logger.LogWarning(ex, "Files of deleted video {Uid} could not all be removed yet; the janitor will", uid);
        }

        logger.LogInformation("Video {Uid} deleted", uid);
    }

    internal static Video NewVideo(string accountId, string state, DateTimeOffset now) => new()
    {
        Uid = Ids.New(),
        AccountId = accountId,
        State = state,
        Created = now,
        Modified = now,
    };
}
