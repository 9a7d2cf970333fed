using System.Text.Json;
using System.Text.Json.Serialization;

namespace Downstream.Client.Models;

/// <summary>The state of a video: <c>pendingupload</c>, <c>downloading</c>, <c>queued</c>, <c>inprogress</c>, <c>ready</c> or <c>error</c>.</summary>
[JsonConverter(typeof(StringValueConverter<VideoState>))]
public readonly record struct VideoState(string Value) : IStringValue<VideoState>
{
    public static readonly VideoState PendingUpload = new("pendingupload");
    public static readonly VideoState Downloading = new("downloading");
    public static readonly VideoState Queued = new("queued");
    public static readonly VideoState InProgress = new("inprogress");
    public static readonly VideoState Ready = new("ready");
    public static readonly VideoState Error = new("error");

    public static VideoState From(string value) => new(value);

    public override string ToString() => Value;
}

public sealed record VideoStatus
{
    [JsonPropertyName("state")]
    public VideoState State { get; init; }

    [JsonPropertyName("pctComplete")]
    public string? PctComplete { get; init; }

    [JsonPropertyName("errorReasonCode")]
    public string? ErrorReasonCode { get; init; }

    [JsonPropertyName("errorReasonText")]
    public string? ErrorReasonText { get; init; }
}

public sealed record VideoInput
{
    [JsonPropertyName("width")]
    public int Width { get; init; }

    [JsonPropertyName("height")]
    public int Height { get; init; }
}

/// <summary>A video of Cloudflare Stream (or Downstream).</summary>
public sealed record Video
{
    [JsonPropertyName("uid")]
    public string Uid { get; init; } = "";

    [JsonPropertyName("creator")]
    public string? Creator { get; init; }

    [JsonPropertyName("readyToStream")]
    public bool ReadyToStream { get; init; }

    [JsonPropertyName("readyToStreamAt")]
    public DateTimeOffset? ReadyToStreamAt { get; init; }

    [JsonPropertyName("status")]
    public VideoStatus? Status { get; init; }

    [JsonPropertyName("meta")]
    public Dictionary<string, JsonElement>? Meta { get; init; }

    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("modified")]
    public DateTimeOffset? Modified { get; init; }

    [JsonPropertyName("uploaded")]
    public DateTimeOffset? Uploaded { get; init; }

    [JsonPropertyName("scheduledDeletion")]
    public DateTimeOffset? ScheduledDeletion { get; init; }

    [JsonPropertyName("size")]
    public long? Size { get; init; }

    [JsonPropertyName("duration")]
    public double? Duration { get; init; }

    [JsonPropertyName("input")]
    public VideoInput? Input { get; init; }

    [JsonPropertyName("requireSignedURLs")]
    public bool? RequireSignedUrls { get; init; }

    [JsonPropertyName("allowedOrigins")]
    public IReadOnlyList<string>? AllowedOrigins { get; init; }

    [JsonPropertyName("maxDurationSeconds")]
    public int? MaxDurationSeconds { get; init; }

    /// <summary>The URL of the video's thumbnail (<c>?time=</c>, <c>width</c>, <c>height</c>, <c>fit</c> may be added); absent until ready.</summary>
    [JsonPropertyName("thumbnail")]
    public string? Thumbnail { get; init; }

    [JsonPropertyName("thumbnailTimestampPct")]
    public double? ThumbnailTimestampPct { get; init; }

    /// <summary>Fields this client does not map.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

/// <summary>A page of videos with Cloudflare's <c>range</c> (remaining from the cursor) and <c>total</c>.</summary>
public sealed record VideoListResponse(IReadOnlyList<Video> Videos, int? Range, int? Total);
