namespace Downstream.Server.Videos;

/// <summary>A stored video: what the API shows plus what ingest learned about the media.</summary>
public sealed record Video
{
    public required string Uid { get; init; }

    public required string AccountId { get; init; }

    public required string State { get; init; }

    public double PctComplete { get; init; }

    public string? ErrorReasonCode { get; init; }

    public string? ErrorReasonText { get; init; }

    public double Duration { get; init; } = -1;

    public int Width { get; init; } = -1;

    public int Height { get; init; } = -1;

    public long Size { get; init; }

    /// <summary>The user's key-value store, as a JSON object text.</summary>
    public string Meta { get; init; } = "{}";

    /// <summary><c>meta.name</c>, kept apart so listing can search it.</summary>
    public string? Name { get; init; }

    public string? Creator { get; init; }

    public bool RequireSignedUrls { get; init; }

    /// <summary>A JSON array text of origins.</summary>
    public string AllowedOrigins { get; init; } = "[]";

    public double ThumbnailTimestampPct { get; init; }

    public DateTimeOffset? ScheduledDeletion { get; init; }

    public int MaxDurationSeconds { get; init; } = -1;

    /// <summary>Where a copied video came from.</summary>
    public string? SourceUrl { get; init; }

    /// <summary>The probe of the source, once ingest has run.</summary>
    public Media.MediaInfo? Media { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Modified { get; init; }

    public DateTimeOffset? Uploaded { get; init; }

    public DateTimeOffset? ReadyAt { get; init; }

    public bool ReadyToStream => State == VideoStates.Ready;
}

/// <summary>The states Cloudflare documents for <c>status.state</c>.</summary>
public static class VideoStates
{
    public const string PendingUpload = "pendingupload";
    public const string Downloading = "downloading";
    public const string Queued = "queued";
    public const string InProgress = "inprogress";
    public const string Ready = "ready";
    public const string Error = "error";

    public static readonly IReadOnlySet<string> All =
        new HashSet<string>(StringComparer.Ordinal) { PendingUpload, Downloading, Queued, InProgress, Ready, Error, "live-inprogress" };
}
