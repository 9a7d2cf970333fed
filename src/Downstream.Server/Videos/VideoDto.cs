using System.Globalization;
using System.Text.Json.Serialization;

namespace Downstream.Server.Videos;

/// <summary>The video object on the wire, with the fields Cloudflare documents that Downstream fills honestly.</summary>
public sealed record VideoDto
{
    public required string Uid { get; init; }

    public string? Creator { get; init; }

    /// <summary>Where the video's thumbnail is served; omitted until the video is ready, and for audio only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Thumbnail { get; init; }

    public double ThumbnailTimestampPct { get; init; }

    public bool ReadyToStream { get; init; }

    public string? ReadyToStreamAt { get; init; }

    public required VideoStatusDto Status { get; init; }

    public required Api.RawJson Meta { get; init; }

    public required string Created { get; init; }

    public required string Modified { get; init; }

    public string? Uploaded { get; init; }

    public string? ScheduledDeletion { get; init; }

    public long Size { get; init; }

    public required Api.RawJson AllowedOrigins { get; init; }

    [JsonPropertyName("requireSignedURLs")]
    public bool RequireSignedUrls { get; init; }

    public string? UploadExpiry { get; init; }

    public long? MaxSizeBytes { get; init; }

    public int MaxDurationSeconds { get; init; }

    public double Duration { get; init; }

    public required VideoInputDto Input { get; init; }

    public object? Watermark { get; init; }

    /// <param name="video">The stored video.</param>
    /// <param name="publicBase">The base of media URLs (<see cref="Hosting.PublicUrls"/>).</param>
    public static VideoDto From(Video video, string publicBase) => new()
    {
        Uid = video.Uid,
        Creator = video.Creator,
        Thumbnail = video.State == VideoStates.Ready && video.Media is { HasVideo: true } ? Thumbnails.ThumbnailsApi.Url(publicBase, video.Uid) : null,
        ThumbnailTimestampPct = video.ThumbnailTimestampPct,
        ReadyToStream = video.ReadyToStream,
        ReadyToStreamAt = Format(video.ReadyAt),
        Status = new VideoStatusDto(
            video.State,
            video.PctComplete.ToString("0.######", CultureInfo.InvariantCulture),
            video.ErrorReasonCode ?? "",
            video.ErrorReasonText ?? ""),
        Meta = new Api.RawJson(video.Meta),
        Created = Format(video.Created)!,
        Modified = Format(video.Modified)!,
        Uploaded = Format(video.Uploaded),
        ScheduledDeletion = Format(video.ScheduledDeletion),
        Size = video.Size,
        AllowedOrigins = new Api.RawJson(video.AllowedOrigins),
        RequireSignedUrls = video.RequireSignedUrls,
        MaxDurationSeconds = video.MaxDurationSeconds,
        Duration = video.Duration,
        Input = new VideoInputDto(video.Width, video.Height),
    };

    /// <summary>RFC 3339 in UTC with a Z, as Cloudflare writes its times.</summary>
    public static string? Format(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

public sealed record VideoStatusDto(string State, string PctComplete, string ErrorReasonCode, string ErrorReasonText);

public sealed record VideoInputDto(int Width, int Height);

/// <summary>
/// The list answer: the envelope plus Cloudflare's optional top-level <c>range</c> and <c>total</c>, present
/// when the request says <c>include_counts=true</c> (counting is a scan of the matching videos).
/// </summary>
public sealed record VideoListEnvelope(
    [property: JsonPropertyName("result")] IReadOnlyList<VideoDto> Result,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("errors")] IReadOnlyList<Api.ApiMessage> Errors,
    [property: JsonPropertyName("messages")] IReadOnlyList<Api.ApiMessage> Messages,
    [property: JsonPropertyName("range"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Range,
    [property: JsonPropertyName("total"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Total);
