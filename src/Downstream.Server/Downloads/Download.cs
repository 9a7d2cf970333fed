namespace Downstream.Server.Downloads;

/// <summary>One download of a video: its state and the job that makes (or made) its file.</summary>
public sealed record Download
{
    public required string VideoUid { get; init; }

    public required string Type { get; init; }

    public required string Status { get; init; }

    public double PercentComplete { get; init; }

    public string? ErrorText { get; init; }

    /// <summary>The job whose output this row describes; it also serves as the file's ETag.</summary>
    public required string JobId { get; init; }

    public long? Size { get; init; }

    /// <summary>Hex SHA-256 of the file, once ready.</summary>
    public string? Sha256 { get; init; }

    /// <summary><c>remux</c> or <c>transcode</c>, once the job has planned it.</summary>
    public string? Mode { get; init; }

    /// <summary>Seconds left, estimated from the job's pace so far, while in progress.</summary>
    public double? EtaSeconds { get; init; }

    /// <summary>A short code for why it failed (<see cref="DownloadErrors"/>).</summary>
    public string? ErrorCode { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Modified { get; init; }

    public DateTimeOffset? ReadyAt { get; init; }
}

/// <summary>What a job reports while it runs.</summary>
public sealed record DownloadProgress(double Percent, double? EtaSeconds = null, string? Mode = null);

/// <summary>How a job ended: ready with its file's size and checksum, or an error with its code and reason.</summary>
public sealed record DownloadOutcome(string Status, long? Size = null, string? Sha256 = null, string? ErrorCode = null, string? ErrorText = null)
{
    public static DownloadOutcome Failed(string code, string text) => new(DownloadStatuses.Error, ErrorCode: code, ErrorText: text);
}

/// <summary>Why a download failed: Downstream's codes (Cloudflare reports no reason for downloads).</summary>
public static class DownloadErrors
{
    public const string NoAudio = "ERR_NO_AUDIO";
    public const string SourceMissing = "ERR_SOURCE_MISSING";
    public const string VideoFailed = "ERR_VIDEO_FAILED";
    public const string Timeout = "ERR_TIMEOUT";
    public const string DiskFull = "ERR_DISK_FULL";
    public const string Ffmpeg = "ERR_FFMPEG";
    public const string GaveUp = "ERR_GAVE_UP";
}

public static class DownloadStatuses
{
    public const string Ready = "ready";
    public const string InProgress = "inprogress";
    public const string Error = "error";
}
