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

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Modified { get; init; }
}

public static class DownloadStatuses
{
    public const string Ready = "ready";
    public const string InProgress = "inprogress";
    public const string Error = "error";
}
