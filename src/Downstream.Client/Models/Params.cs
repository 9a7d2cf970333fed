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

/// <summary>
/// A resumable (tus) upload: <c>client.Stream.UploadResumable(path, params, progress)</c>. Fields left null are not
/// sent. Cloudflare requires tus for files over 200 MB and takes chunks of 5 MiB to 200 MiB in multiples of 256 KiB.
/// </summary>
public sealed record ResumableUploadParams : AccountParams
{
    public const int MinChunkSize = 5 * 1024 * 1024;
    public const int MaxChunkSize = 200 * 1024 * 1024;

    /// <summary>Bytes per PATCH. Default 50 MiB (Cloudflare's advice); at least 5 MiB, at most 200 MiB, a multiple of 256 KiB.</summary>
    public int ChunkSize { get; init; } = 50 * 1024 * 1024;

    /// <summary>Sent as the <c>name</c> metadata (<c>meta.name</c>). Default: the file's name.</summary>
    public string? Name { get; init; }

    /// <summary>Sent as <c>Upload-Creator</c>.</summary>
    public string? Creator { get; init; }

    public int? MaxDurationSeconds { get; init; }

    public bool? RequireSignedUrls { get; init; }

    public IReadOnlyList<string>? AllowedOrigins { get; init; }

    /// <summary>Other metadata keys, stored in <c>meta</c>.</summary>
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>
    /// The URL of an upload begun earlier (from <see cref="UploadCreated"/>), to go on from where it stopped, for
    /// example after the process was interrupted. When it no longer exists (expired, finished) a new upload begins.
    /// </summary>
    public Uri? ResumeUrl { get; init; }

    /// <summary>Told the upload's URL once it exists, so a caller can keep it for <see cref="ResumeUrl"/>.</summary>
    public Action<Uri>? UploadCreated { get; init; }

    /// <summary>Connection failures in a row (with no byte gained) before giving up. Default 5.</summary>
    public int MaxAttempts { get; init; } = 5;
}
