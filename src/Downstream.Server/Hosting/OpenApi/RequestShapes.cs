using System.Text.Json;
using System.Text.Json.Serialization;

namespace Downstream.Server.Hosting.OpenApi;

// The bodies the API reads, as the document shows them. Handlers read JSON themselves (to name a bad field
// in the error), so these records exist for the description only; the names are Cloudflare's.

/// <summary>A multipart upload: the media file in the form field <c>file</c>.</summary>
public sealed record UploadForm([property: JsonPropertyName("file")] IFormFile File);

/// <summary>Copy a video from a public URL.</summary>
public sealed record VideoCopyRequest(
    [property: JsonPropertyName("url")] Uri Url,
    [property: JsonPropertyName("meta")] JsonElement? Meta = null,
    [property: JsonPropertyName("creator")] string? Creator = null,
    [property: JsonPropertyName("requireSignedURLs")] bool? RequireSignedUrls = null,
    [property: JsonPropertyName("allowedOrigins")] IReadOnlyList<string>? AllowedOrigins = null,
    [property: JsonPropertyName("thumbnailTimestampPct")] double? ThumbnailTimestampPct = null,
    [property: JsonPropertyName("scheduledDeletion")] DateTimeOffset? ScheduledDeletion = null);

/// <summary>Edit a video: only the fields given change.</summary>
public sealed record VideoUpdateRequest(
    [property: JsonPropertyName("meta")] JsonElement? Meta = null,
    [property: JsonPropertyName("creator")] string? Creator = null,
    [property: JsonPropertyName("requireSignedURLs")] bool? RequireSignedUrls = null,
    [property: JsonPropertyName("allowedOrigins")] IReadOnlyList<string>? AllowedOrigins = null,
    [property: JsonPropertyName("thumbnailTimestampPct")] double? ThumbnailTimestampPct = null,
    [property: JsonPropertyName("scheduledDeletion")] DateTimeOffset? ScheduledDeletion = null,
    [property: JsonPropertyName("maxDurationSeconds")] int? MaxDurationSeconds = null);

/// <summary>Make a one-time upload URL for a creator.</summary>
public sealed record DirectUploadRequest(
    [property: JsonPropertyName("maxDurationSeconds")] int MaxDurationSeconds,
    [property: JsonPropertyName("expiry")] DateTimeOffset? Expiry = null,
    [property: JsonPropertyName("meta")] JsonElement? Meta = null,
    [property: JsonPropertyName("creator")] string? Creator = null,
    [property: JsonPropertyName("requireSignedURLs")] bool? RequireSignedUrls = null,
    [property: JsonPropertyName("allowedOrigins")] IReadOnlyList<string>? AllowedOrigins = null,
    [property: JsonPropertyName("thumbnailTimestampPct")] double? ThumbnailTimestampPct = null,
    [property: JsonPropertyName("scheduledDeletion")] DateTimeOffset? ScheduledDeletion = null);

/// <summary>Sign a token for a private video; with no <c>id</c> and <c>pem</c> the server signs.</summary>
public sealed record SignedTokenRequest(
    [property: JsonPropertyName("id")] string? Id = null,
    [property: JsonPropertyName("pem")] string? Pem = null,
    [property: JsonPropertyName("exp")] long? Exp = null,
    [property: JsonPropertyName("nbf")] long? Nbf = null,
    [property: JsonPropertyName("downloadable")] bool? Downloadable = null,
    [property: JsonPropertyName("accessRules")] IReadOnlyList<Signing.AccessRule>? AccessRules = null);

/// <summary>Set the account's webhook.</summary>
public sealed record WebhookRequest(
    [property: JsonPropertyName("notificationUrl")] Uri NotificationUrl,
    [property: JsonPropertyName("downloadEvents")] bool? DownloadEvents = null);
