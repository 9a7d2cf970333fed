using System.Security.Cryptography;
using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Jobs;
using Downstream.Server.Storage;
using Downstream.Server.Videos;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Downstream.Server.Tus;

/// <summary>A tus upload as created: its video, its record, and the URL the client sends its bytes to.</summary>
public sealed record TusCreated(Video Video, TusUpload Upload, string Location);

/// <summary>Who asks for an upload: an API credential of an account, or the holder of a direct_user URL's token.</summary>
public sealed record TusAccess(string Uid, string? AccountId, string? Token);

/// <summary>
/// The tus 1.0.0 protocol over <see cref="ITusUploadStore"/> (offsets, locks, expiry; shared by all nodes) and
/// <see cref="ITusDataStore"/> (the bytes). The last byte makes the video <c>queued</c> for the ingest job.
/// </summary>
public sealed class TusService(
    ITusUploadStore uploads,
    ITusDataStore data,
    IVideoStore videos,
    VideoService videoService,
    VideoIngest ingest,
    DiskSpace diskSpace,
    JobSignal signal,
    IOptions<DownstreamOptions> options,
    TimeProvider time,
    ILogger<TusService> logger,
    Hosting.Metrics.DownstreamMetrics? metrics = null) : ISourceAssembler
{
    /// <summary>An upload made with an API token lives this long after its last chunk.</summary>
    public static readonly TimeSpan ApiUploadWindow = TimeSpan.FromHours(24);

    /// <summary>A direct_user upload must start before its expiry (default 30 minutes); each chunk then gives it this long.</summary>
    public static readonly TimeSpan DirectUploadWindow = TimeSpan.FromHours(1);

    /// <summary>How long an append lock lasts unless renewed; a PATCH renews it every third of that while it runs.</summary>
    public static readonly TimeSpan LockLease = TimeSpan.FromSeconds(30);

    public async Task<TusCreated> CreateAsync(string accountId, HttpRequest request, bool directUser, string baseUrl, CancellationToken cancellationToken)
    {
        if (request.Headers.ContainsKey(TusHeaders.UploadDeferLength))
        {
            throw ApiErrors.BadRequest("Upload-Defer-Length is not supported: send Upload-Length with the file's size.");
        }

        var length = TusHeaders.ReadLength(request.Headers, TusHeaders.UploadLength)
            ?? throw ApiErrors.BadRequest("Upload-Length is required: the size of the whole file in bytes.");
        if (length > options.Value.MaxUploadBytes)
        {
            throw ApiErrors.TooLarge($"Upload-Length {length} is larger than the limit of {options.Value.MaxUploadBytes} bytes (Tus-Max-Size).");
        }

        diskSpace.EnsureRoomFor(length);
        var metadataHeader = request.Headers[TusHeaders.UploadMetadata].ToString();
        var metadata = UploadMetadata.Parse(metadataHeader);
        var now = time.GetUtcNow();
        var video = VideoService.NewVideo(accountId, VideoStates.PendingUpload, now);
        using (var fields = System.Text.Json.JsonDocument.Parse(metadata.Fields.ToJsonString()))
        {
            video = VideoEdit.Apply(video, fields.RootElement, now);
        }

        if (request.Headers["Upload-Creator"].ToString() is { Length: > 0 } creator)
        {
            video = video with { Creator = VideoEdit.UploadCreator(creator) };
        }

        var expires = Expiry(metadata.Expiry, directUser, now);
        var secret = directUser ? RandomNumberGenerator.GetBytes(32) : null;
        var upload = new TusUpload
        {
            VideoUid = video.Uid,
            Length = length,
            Offset = 0,
            Metadata = metadataHeader.Length > 0 ? metadataHeader : null,
            SecretHash = secret is null ? null : SHA256.HashData(secret),
            Expires = expires,
            Slide = directUser ? DirectUploadWindow : ApiUploadWindow,
            State = TusUploadStates.Open,
        };
        if (length == 0)
        {
            // Nothing will ever arrive: the upload is finished and its video refused at once.
            video = VideoIngest.Failed(video with { Size = 0, Uploaded = now }, Media.ErrorReasons.NonVideo, "The file is empty.", now);
            upload = upload with { State = TusUploadStates.Done };
        }

        await uploads.CreateAsync(video, upload, cancellationToken);
        var location = secret is null
            ? $"{baseUrl}{request.PathBase}{request.Path.Value!.TrimEnd('/')}/{video.Uid}"
            : $"{baseUrl}/tus/{video.Uid}?token={Base64UrlEncoder.Encode(secret)}";
        logger.LogInformation("tus upload {Uid} created: {Length} bytes{Direct}", video.Uid, length, directUser ? " (direct_user)" : "");
        return new TusCreated(video, upload, location);
    }

    /// <summary>The upload as HEAD reports it: the offset is what is really stored.</summary>
    public async Task<TusUpload> HeadAsync(TusAccess access, CancellationToken cancellationToken)
    {
        var upload = await FindAsync(access, cancellationToken);
        return upload.State == TusUploadStates.Done
            ? upload with { Offset = upload.Length }
            : upload with { Offset = await data.StoredAsync(upload.VideoUid, upload.Offset, cancellationToken) };
    }

    /// <summary>Appends one PATCH body at <paramref name="offset"/>; the upload after it.</summary>
    public async Task<TusUpload> PatchAsync(TusAccess access, long offset, HttpRequest request, CancellationToken cancellationToken)
    {
        var upload = await FindAsync(access, cancellationToken);
        if (upload.State == TusUploadStates.Done)
        {
            return offset == upload.Length && request.ContentLength is null or 0
                ? upload with { Offset = upload.Length }
                : throw OffsetMismatch(offset, upload.Length);
        }

        var lockId = Guid.NewGuid().ToString("N");
        // From here on the request's own token is not used: a client that sent part of a chunk and went away has
        // its bytes buffered here, and they are kept. A client that stalls is cut off by Kestrel's minimum data rate.
        // The upload is read again as the lock is taken: another request may have appended since the first read.
        var locked = await uploads.LockAsync(upload.VideoUid, lockId, time.GetUtcNow(), time.GetUtcNow() + LockLease, CancellationToken.None)
            ?? throw new ApiException(StatusCodes.Status423Locked, ApiErrors.BadRequestCode, "Another request is appending to this upload; try again when it ends.");
        upload = locked with { AccountId = upload.AccountId };
        var released = false;
        using var lease = new CancellationTokenSource();
        using var renewal = new CancellationTokenSource();
        var renewing = RenewAsync(upload.VideoUid, lockId, lease, renewal.Token);
        try
        {
            if (upload.State != TusUploadStates.Open)
            {
                throw ApiErrors.Gone("This upload has expired.");
            }

            var stored = await data.StoredAsync(upload.VideoUid, upload.Offset, CancellationToken.None);
            if (offset != stored)
            {
                throw OffsetMismatch(offset, stored);
            }

            var remaining = upload.Length - offset;
            if (request.ContentLength > remaining)
            {
                throw ApiErrors.TooLarge($"The chunk of {request.ContentLength} bytes goes past Upload-Length ({upload.Length}); {remaining} bytes remain.");
            }

            diskSpace.EnsureRoomFor(request.ContentLength ?? 0);

            // Kestrel's default body limit (30 MB) is not a tus limit: a chunk may be as long as what remains.
            if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = remaining + 1;
            }

            var appended = await data.AppendAsync(upload.VideoUid, offset, request.Body, remaining, lease.Token);
            if (appended.TooLong)
            {
                throw ApiErrors.TooLarge($"The chunk goes past Upload-Length ({upload.Length}); {remaining} bytes remained.");
            }

            released = true;
            metrics?.Uploaded("tus", appended.Bytes);
            upload = await RecordAsync(upload, lockId, offset + appended.Bytes);
            if (appended.Cut is { } cut)
            {
                logger.LogInformation("tus upload {Uid}: the chunk broke off after {Bytes} bytes; offset {Offset}", upload.VideoUid, appended.Bytes, upload.Offset);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cut);
            }

            return upload;
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
            if (!released)
            {
                await uploads.UnlockAsync(upload.VideoUid, lockId, CancellationToken.None);
            }
        }
    }

    /// <summary>Ends an unfinished upload and removes its video and bytes (the termination extension).</summary>
    public async Task TerminateAsync(TusAccess access, CancellationToken cancellationToken)
    {
        var upload = await FindAsync(access, cancellationToken);
        if (access.Token is not null && upload.State == TusUploadStates.Done)
        {
            // The end user's URL may stop an upload, never delete the video it became.
            throw ApiErrors.Gone("This upload is finished; it can no longer be terminated.");
        }

        await videoService.DeleteAsync(upload.VideoUid, cancellationToken);
        logger.LogInformation("tus upload {Uid} terminated", upload.VideoUid);
    }

    /// <summary>
    /// Whether the page a browser request comes from may use this upload (its video's allowedOrigins). An unknown
    /// upload is not refused here: the request then learns it does not exist.
    /// </summary>
    public async Task<bool> OriginAllowedAsync(string uid, HttpRequest request, CancellationToken cancellationToken) =>
        !Ids.IsValid(uid) || await videos.GetAsync(uid, cancellationToken) is not { } video
            || Delivery.OriginRules.Allows(video.AllowedOrigins, request);

    public async Task AssembleAsync(string videoUid, CancellationToken cancellationToken)
    {
        if (await uploads.GetAsync(videoUid, cancellationToken) is { State: TusUploadStates.Done, Length: > 0 } upload)
        {
            await data.PublishAsync(videoUid, upload.Length, cancellationToken);
        }
    }

    private async Task<TusUpload> RecordAsync(TusUpload upload, string lockId, long offset)
    {
        var now = time.GetUtcNow();
        if (offset == upload.Length)
        {
            var stored = ingest.Stored((await videos.GetAsync(upload.VideoUid, CancellationToken.None))!, upload.Length);
            if (!await uploads.CompleteAsync(lockId, upload, stored, videoService.IngestJob(upload.VideoUid), CancellationToken.None))
            {
                throw ApiErrors.NotFound("This upload is gone (its video was deleted or the upload expired).");
            }

            signal.Notify();
            logger.LogInformation("tus upload {Uid} complete: {Length} bytes", upload.VideoUid, upload.Length);
            return upload with { Offset = offset, State = TusUploadStates.Done };
        }

        var expires = upload.Expires > now + upload.Slide ? upload.Expires : now + upload.Slide;
        return await uploads.AdvanceAsync(upload.VideoUid, lockId, offset, expires, CancellationToken.None)
            ? upload with { Offset = offset, Expires = expires }
            : throw ApiErrors.Gone("This upload expired or was taken over while the chunk arrived.");
    }

    private async Task RenewAsync(string uid, string lockId, CancellationTokenSource lease, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LockLease / 3, time, cancellationToken);
                if (!await uploads.RenewAsync(uid, lockId, time.GetUtcNow() + LockLease, cancellationToken))
                {
                    // The lock lapsed and another request holds it: stop writing at once.
                    await lease.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<TusUpload> FindAsync(TusAccess access, CancellationToken cancellationToken)
    {
        var upload = Ids.IsValid(access.Uid) ? await uploads.GetAsync(access.Uid, cancellationToken) : null;
        if (upload is null)
        {
            throw ApiErrors.NotFound("No such upload.");
        }

        if (access.AccountId is not null && upload.AccountId != access.AccountId)
        {
            throw ApiErrors.NotFound("No such upload.");
        }

        if (access.AccountId is null && !TokenMatches(upload, access.Token))
        {
            throw ApiErrors.NotFound("No such upload.");
        }

        return upload.State == TusUploadStates.Expired || (upload.State == TusUploadStates.Open && upload.Expires <= time.GetUtcNow())
            ? throw ApiErrors.Gone("This upload has expired; its bytes are gone. Start a new upload.")
            : upload;
    }

    private static bool TokenMatches(TusUpload upload, string? token)
    {
        if (upload.SecretHash is null || token is not { Length: 43 })
        {
            return false;
        }

        try
        {
            return CryptographicOperations.FixedTimeEquals(upload.SecretHash, SHA256.HashData(Base64UrlEncoder.DecodeBytes(token)));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static ApiException OffsetMismatch(long sent, long actual) =>
        new(StatusCodes.Status409Conflict, ApiErrors.BadRequestCode,
            $"Upload-Offset {sent} does not match the upload's offset {actual}: send HEAD for the offset and resume from there.");

    private static DateTimeOffset Expiry(DateTimeOffset? requested, bool directUser, DateTimeOffset now)
    {
        if (requested is not { } expiry)
        {
            return now + (directUser ? DirectUploadService.DefaultExpiry : ApiUploadWindow);
        }

        return expiry <= now || expiry > now + DirectUploadService.MaxExpiry
            ? throw ApiErrors.BadRequest("Upload-Metadata: 'expiry' must be in the future and at most 6 hours from now.")
            : expiry;
    }
}
