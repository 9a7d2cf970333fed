using System.Text.Json;
using System.Text.Json.Serialization;

namespace Downstream.Server.Hosting.OpenApi;

// The bodies the API reads, as the document shows them. Handlers read JSON themselves (to name a bad field
// in the error), so these records exist for the description only; the names are Cloudflare's.

/// <summary>A multipart upload: the media file in the form field <c>file</c>.</summary>
public sealed record UploadForm([property: JsonPropertyName("file")] IFormFile File);

/// <summary>The settings a video is created or edited with (Cloudflare repeats them in each request).</summary>
public abstract record VideoSettings
{
    [JsonPropertyName("meta")]
    public JsonElement? Meta { get; init; }

    [JsonPropertyName("creator")]
    public string? Creator { get; init; }

    [JsonPropertyName("requireSignedURLs")]
    public bool? RequireSignedUrls { get; init; }

    [JsonPropertyName("allowedOrigins")]
    public IReadOnlyList<string>? AllowedOrigins { get; init; }

    [JsonPropertyName("thumbnailTimestampPct")]
    public double? ThumbnailTimestampPct { get; init; }

    [JsonPropertyName("scheduledDeletion")]
    public DateTimeOffset? ScheduledDeletion { get; init; }
}

/// <summary>Copy a video from a public URL.</summary>
public sealed record VideoCopyRequest([property: JsonPropertyName("url")] Uri Url) : VideoSettings;

/// <summary>Edit a video: only the fields given change.</summary>
public sealed record VideoUpdateRequest([property: JsonPropertyName("maxDurationSeconds")] int? MaxDurationSeconds = null) : VideoSettings;

/// <summary>Make a one-time upload URL for a creator.</summary>
public sealed record DirectUploadRequest(
    [property: JsonPropertyName("maxDurationSeconds")] int MaxDurationSeconds,
    [property: JsonPropertyName("expiry")] DateTimeOffset? Expiry = null) : VideoSettings;

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
