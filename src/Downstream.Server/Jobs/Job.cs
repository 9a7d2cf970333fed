namespace Downstream.Server.Jobs;

/// <summary>A durable unit of work, claimed by one worker at a time under a lease.</summary>
public sealed record Job
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string VideoUid { get; init; }

    public string? DownloadType { get; init; }

    public int Attempts { get; init; }

    /// <summary>The claim this copy of the job was handed out under; null for a job not claimed.</summary>
    public string? ClaimId { get; init; }

    public required DateTimeOffset AvailableAt { get; init; }

    public required DateTimeOffset Created { get; init; }
}

public static class JobKinds
{
    public const string Download = "download";
    public const string Copy = "copy";

    /// <summary>Probes an uploaded video whose answer went out before ffprobe ran.</summary>
    public const string Ingest = "ingest";

    /// <summary>When a job waits for something else (a download for its video's probe) rather than a time.</summary>
    public static readonly DateTimeOffset Waiting = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
