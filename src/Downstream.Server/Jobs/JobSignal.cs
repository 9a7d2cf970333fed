namespace Downstream.Server.Jobs;

/// <summary>
/// Wakes idle workers when this node queues a job; other nodes' jobs are found by polling.
/// A worker takes <see cref="Next"/> before it looks for work, so a job queued in between is not missed.
/// </summary>
public sealed class JobSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for <paramref name="next"/> or the timeout, whichever comes first.</summary>
    public static async Task WaitAsync(Task next, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(next, Task.Delay(timeout, time, wait.Token));
        await wait.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
