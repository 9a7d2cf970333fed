using Downstream.Server.Jobs;

namespace Downstream.Server.Storage;

/// <summary>
/// A durable job queue shared by every node. A claim holds a lease that the worker renews while it
/// runs; a lease that runs out (a crashed node) makes the job claimable again.
/// </summary>
public interface IJobQueue
{
    /// <summary>Claims the oldest available job, or one whose lease has run out.</summary>
    Task<Job?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease; false when the job is gone or owned by someone else (then stop working on it).</summary>
    Task<bool> RenewAsync(string jobId, string owner, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Removes a finished job.</summary>
    Task CompleteAsync(string jobId, string owner, CancellationToken cancellationToken);

    /// <summary>Gives the job back to the queue to be tried again from <paramref name="availableAt"/>.</summary>
    Task ReleaseAsync(string jobId, string owner, DateTimeOffset availableAt, CancellationToken cancellationToken);
}
