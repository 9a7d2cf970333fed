using System.Text.Json;

namespace Downstream.Client.Models;

/// <summary>Parameters every account-scoped call takes.</summary>
public abstract record AccountParams
{
    /// <summary>The account (32 hex). Required.</summary>
    public required string AccountId { get; init; }
}

public sealed record DownloadGetParams : AccountParams;

public sealed record DownloadCreateParams : AccountParams
{
    /// <summary>Which download; null creates <c>default</c> through the bare <c>/downloads</c> route.</summary>
    public DownloadType? Type { get; init; }
}

public sealed record DownloadDeleteParams : AccountParams
{
    /// <summary>Which download; null deletes <c>default</c> through the bare <c>/downloads</c> route.</summary>
    public DownloadType? Type { get; init; }
}

public sealed record VideoGetParams : AccountParams;

public sealed record VideoDeleteParams : AccountParams;

public sealed record VideoListParams : AccountParams
{
    public int? Limit { get; init; }

    public bool? Asc { get; init; }

    public DateTimeOffset? Before { get; init; }

    public DateTimeOffset? After { get; init; }

    public VideoState? Status { get; init; }

    public string? Search { get; init; }

    public string? Creator { get; init; }

    /// <summary>Ask for <see cref="VideoListResponse.Total"/> and <see cref="VideoListResponse.Range"/>, which cost a count of the matching videos.</summary>
    public bool? IncludeCounts { get; init; }
}

public sealed record VideoEditParams : AccountParams
{
    public IReadOnlyDictionary<string, JsonElement>? Meta { get; init; }

    public bool? RequireSignedUrls { get; init; }

    public string? Creator { get; init; }

    public IReadOnlyList<string>? AllowedOrigins { get; init; }

    public double? ThumbnailTimestampPct { get; init; }

    public int? MaxDurationSeconds { get; init; }

    /// <summary>When to delete the video; see <see cref="ClearScheduledDeletion"/> to remove it.</summary>
    public DateTimeOffset? ScheduledDeletion { get; init; }

    /// <summary>Sends <c>scheduledDeletion: null</c>, removing a scheduled deletion.</summary>
    public bool ClearScheduledDeletion { get; init; }
}

public sealed record VideoCopyParams : AccountParams
{
    /// <summary>The http(s) URL to fetch the video from. Required.</summary>
    public required string Url { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Meta { get; init; }

    public bool? RequireSignedUrls { get; init; }

    public string? Creator { get; init; }
}

public sealed record VideoUploadParams : AccountParams
{
    /// <summary>The file name sent with the upload (it becomes <c>meta.name</c>). Default: the file's name, or "video".</summary>
    public string? FileName { get; init; }

    /// <summary>Sent as <c>Upload-Creator</c>.</summary>
    public string? Creator { get; init; }
}
