using Downstream.Server.Downloads;

namespace Downstream.Server.Storage;

/// <summary>Downloads of videos. Creating one queues its job in the same transaction.</summary>
public interface IDownloadStore
{
    Task<IReadOnlyList<Download>> ListAsync(string videoUid, CancellationToken cancellationToken);

    Task<Download?> GetAsync(string videoUid, string type, CancellationToken cancellationToken);

    /// <summary>The downloads of a video of the account in one read; null when the account has no such video.</summary>
    Task<IReadOnlyList<Download>?> ListForAccountAsync(string accountId, string videoUid, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the download with its job unless one exists already. An existing download in
    /// <c>error</c> is reset and given a new job. Returns whether a job was queued.
    /// </summary>
    Task<bool> CreateAsync(Download download, Jobs.Job? job, CancellationToken cancellationToken);

    /// <summary>Removes the download and its queued or running job; false when there was none.</summary>
    Task<bool> DeleteAsync(string videoUid, string type, CancellationToken cancellationToken);

    /// <summary>Records progress of the given job; false when the download is gone or owned by another job.</summary>
    Task<bool> UpdateProgressAsync(string videoUid, string type, string jobId, DownloadProgress progress, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sets the final status for the given job; false when the download is gone or owned by another job.</summary>
    Task<bool> FinishAsync(string videoUid, string type, string jobId, DownloadOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken);
}
