using Downstream.Server.Jobs;
using Downstream.Server.Videos;

namespace Downstream.Server.Storage;

/// <summary>A tus upload as recorded: how long the file is, how much of it arrived, until when it may go on.</summary>
public sealed record TusUpload
{
    public required string VideoUid { get; init; }

    public required long Length { get; init; }

    /// <summary>The account of the upload's video; empty before it is stored.</summary>
    public string AccountId { get; init; } = "";

    public required long Offset { get; init; }

    /// <summary>The <c>Upload-Metadata</c> header as created, echoed by HEAD.</summary>
    public string? Metadata { get; init; }

    /// <summary>The hash of the capability in a <c>direct_user</c> upload's URL; null for uploads made with an API token.</summary>
    public byte[]? SecretHash { get; init; }

    public required DateTimeOffset Expires { get; init; }

    /// <summary>How far each appended chunk pushes <see cref="Expires"/> out; zero for a fixed deadline.</summary>
    public TimeSpan Slide { get; init; }

    public required string State { get; init; }

    public bool IsComplete => Offset == Length;
}

public static class TusUploadStates
{
    public const string Open = "open";
    public const string Done = "done";
    public const string Expired = "expired";
}

/// <summary>
/// The state of tus uploads, shared by every node; their bytes are in <see cref="Tus.ITusDataStore"/>. Appending
/// takes a lock with a lease, so two requests never append to one upload at once, on one node or many.
/// </summary>
public interface ITusUploadStore
{
    /// <summary>Stores the <c>pendingupload</c> video and its upload together.</summary>
    Task CreateAsync(Video video, TusUpload upload, CancellationToken cancellationToken);

    Task<TusUpload?> GetAsync(string videoUid, CancellationToken cancellationToken);

    /// <summary>Takes the append lock until <paramref name="until"/> and returns the upload as it is now; null while another request holds it.</summary>
    Task<TusUpload?> LockAsync(string videoUid, string lockId, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Extends a held lock; false when it was lost (it lapsed and was taken).</summary>
    Task<bool> RenewAsync(string videoUid, string lockId, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Records the new offset (and expiry) under the lock and releases it; false when the lock was lost.</summary>
    Task<bool> AdvanceAsync(string videoUid, string lockId, long offset, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the upload whole under the lock and, in the same transaction, moves its video from <c>pendingupload</c>
    /// to <paramref name="stored"/> (<c>queued</c>) with the job that ingests it; false when the lock or the video is gone.
    /// </summary>
    Task<bool> CompleteAsync(string lockId, TusUpload upload, Video stored, Job ingest, CancellationToken cancellationToken);

    Task UnlockAsync(string videoUid, string lockId, CancellationToken cancellationToken);

    /// <summary>Marks open uploads whose time ran out (and that nobody is appending to) as expired; their video uids.</summary>
    Task<IReadOnlyList<string>> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
