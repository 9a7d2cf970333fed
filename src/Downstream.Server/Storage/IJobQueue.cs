using Downstream.Server.Jobs;

namespace Downstream.Server.Storage;

/// <summary>
/// A durable job queue shared by every node. A claim holds a lease that the worker renews while it
/// runs; a lease that runs out (a crashed node) makes the job claimable again.
/// </summary>
public interface IJobQueue
{
    /// <summary>
    /// Claims the oldest available job of one of <paramref name="kinds"/>, or one whose lease has run out. The job
    /// carries a new <see cref="Job.ClaimId"/>: every later call names it, so a claim that lapsed and was taken
    /// again (by any node, this one included) can no longer renew, complete or release the job.
    /// </summary>
    Task<Job?> ClaimAsync(string owner, IReadOnlyList<string> kinds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease; false when the job is gone or claimed again since (then stop working on it).</summary>
    Task<bool> RenewAsync(Job claim, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Removes a finished job; false when the claim was no longer current.</summary>
    Task<bool> CompleteAsync(Job claim, CancellationToken cancellationToken);

    /// <summary>Gives the job back to be tried again from <paramref name="availableAt"/>; false when the claim was no longer current.</summary>
    Task<bool> ReleaseAsync(Job claim, DateTimeOffset availableAt, CancellationToken cancellationToken);

    /// <summary>Makes the video's waiting jobs (<see cref="JobKinds.Waiting"/>) available now; how many there were.</summary>
    Task<int> WakeAsync(string videoUid, DateTimeOffset now, CancellationToken cancellationToken);
}
