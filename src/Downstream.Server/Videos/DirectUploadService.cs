using System.Security.Cryptography;
using System.Text.Json;
using Downstream.Server.Api;
using Downstream.Server.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Downstream.Server.Videos;

/// <summary>A direct upload as created: the waiting video and the URL an end user uploads its file to.</summary>
public sealed record DirectUpload(Video Video, string UploadUrl, DateTimeOffset Expires);

/// <summary>
/// Direct creator uploads: <c>POST .../stream/direct_upload</c> makes a <c>pendingupload</c> video and a URL
/// carrying an unguessable one-time secret; one multipart POST to it, without API credentials, before the
/// expiry, uploads the file. Only the secret's hash is stored.
/// </summary>
public sealed class DirectUploadService(
    IDirectUploadStore uploads, IVideoStore videos, VideoService videoService, IBlobStore blobs, TimeProvider time, ILogger<DirectUploadService> logger)
{
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaxExpiry = TimeSpan.FromHours(6);

    /// <summary>A claim older than this belongs to a request that died with its node: the URL may be used again.</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromHours(1);

    public const string ExpiredText = "The direct upload URL expired before a file was uploaded to it.";

    public async Task<DirectUpload> CreateAsync(string accountId, JsonElement? body, string baseUrl, CancellationToken cancellationToken)
    {
        if (body is not { ValueKind: JsonValueKind.Object } request)
        {
            throw ApiErrors.BadRequest("The request body must be a JSON object with 'maxDurationSeconds'.");
        }

        if (!request.TryGetProperty("maxDurationSeconds", out var max) || max.ValueKind == JsonValueKind.Null)
        {
            throw ApiErrors.InvalidParameter("maxDurationSeconds", null, "is required for direct uploads");
        }

        var now = time.GetUtcNow();
        var expires = Expiry(request, now);
        var video = VideoEdit.Apply(VideoService.NewVideo(accountId, VideoStates.PendingUpload, now), request, now);
        var secret = RandomNumberGenerator.GetBytes(32);
        await uploads.CreateAsync(video, SHA256.HashData(secret), expires, cancellationToken);
        return new DirectUpload(video, $"{baseUrl}/upload/{video.Uid}/{Base64UrlEncoder.Encode(secret)}", expires);
    }

    /// <summary>The one upload a URL allows; the video as stored after it (ready, or error with the reason).</summary>
    public async Task<Video> ReceiveAsync(string uid, string secret, HttpRequest request, CancellationToken cancellationToken)
    {
        var video = await OpenAsync(uid, secret, request, cancellationToken);
        Video received;
        try
        {
            // Probed before the answer, so the end user's page learns at once when a file is refused (too long, not a video).
            received = await videoService.ReceiveAsync(video, request, nameFromFile: !HasName(video), probeNow: true, cancellationToken);
        }
        catch
        {
            // The file did not arrive whole (a dropped connection, a broken or too large body, a full disk):
            // nothing was published, so the URL may be tried again.
            await uploads.ReleaseAsync(uid, CancellationToken.None);
            throw;
        }

        if (!await videos.FinishIngestAsync(received, VideoStates.PendingUpload, CancellationToken.None))
        {
            // Deleted while the file arrived.
            await blobs.DeletePrefixAsync(VideoKeys.Prefix(uid), CancellationToken.None);
            throw ApiErrors.NotFound($"Video not found: {uid}");
        }

        await uploads.FinishAsync(uid, CancellationToken.None);
        logger.LogInformation("Direct upload of video {Uid}: {Bytes} bytes, {State}", uid, received.Size, received.State);
        return received.State == VideoStates.Error
            ? throw ApiErrors.BadRequest($"The upload was refused: {received.ErrorReasonText} ({received.ErrorReasonCode}).")
            : received;
    }

    /// <summary>Whether the origin of a browser page may upload to this video's URL (its allowedOrigins).</summary>
    public async Task<bool> OriginAllowedAsync(string uid, HttpRequest request, CancellationToken cancellationToken) =>
        Ids.IsValid(uid) && await videos.GetAsync(uid, cancellationToken) is { } video
            && Delivery.OriginRules.Allows(video.AllowedOrigins, request);

    /// <summary>Marks the videos of URLs whose time ran out as <c>error</c>.</summary>
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var uid in await uploads.ExpireAsync(now, cancellationToken))
        {
            await MarkExpiredAsync(uid, now, cancellationToken);
        }
    }

    private async Task<Video> OpenAsync(string uid, string secret, HttpRequest request, CancellationToken cancellationToken)
    {
        byte[] secretBytes;
        try
        {
            secretBytes = Ids.IsValid(uid) && secret.Length == 43 ? Base64UrlEncoder.DecodeBytes(secret) : [];
        }
        catch (FormatException)
        {
            secretBytes = [];
        }

        var now = time.GetUtcNow();
        var claim = secretBytes.Length == 32
            ? await uploads.ClaimAsync(uid, SHA256.HashData(secretBytes), now, StaleClaim, cancellationToken)
            : DirectUploadClaim.Unknown;
        switch (claim)
        {
            case DirectUploadClaim.Unknown:
                throw ApiErrors.NotFound("No such upload URL.");
            case DirectUploadClaim.Used:
                throw ApiErrors.Gone("This upload URL was used already: each direct upload URL takes one file.");
            case DirectUploadClaim.Expired:
                await MarkExpiredAsync(uid, now, cancellationToken);
                throw ApiErrors.Gone("This upload URL has expired; ask for a new one.");
            case DirectUploadClaim.Busy:
                throw new ApiException(StatusCodes.Status423Locked, ApiErrors.BadRequestCode, "An upload to this URL is in progress.");
        }

        var video = await videos.GetAsync(uid, cancellationToken);
        if (video is null || video.State != VideoStates.PendingUpload)
        {
            await uploads.ReleaseAsync(uid, CancellationToken.None);
            throw ApiErrors.NotFound("No such upload URL.");
        }

        if (!Delivery.OriginRules.Allows(video.AllowedOrigins, request))
        {
            await uploads.ReleaseAsync(uid, CancellationToken.None);
            throw ApiErrors.Forbidden("This video's allowedOrigins do not include the page this upload comes from.");
        }

        return video;
    }

    private async Task MarkExpiredAsync(string uid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await videos.GetAsync(uid, cancellationToken) is { State: VideoStates.PendingUpload } video)
        {
            await videos.FinishIngestAsync(VideoIngest.Failed(video, "", ExpiredText, now), VideoStates.PendingUpload, cancellationToken);
        }
    }

    private static bool HasName(Video video) => video.Name is { Length: > 0 };

    private static DateTimeOffset Expiry(JsonElement request, DateTimeOffset now)
    {
        if (!request.TryGetProperty("expiry", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return now + DefaultExpiry;
        }

        if (value.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var expiry))
        {
            throw ApiErrors.InvalidParameter("expiry", value.GetRawText(), "must be an RFC 3339 date-time");
        }

        return expiry <= now || expiry > now + MaxExpiry
            ? throw ApiErrors.InvalidParameter("expiry", value.GetString(), "must be in the future and at most 6 hours from now")
            : expiry;
    }
}
