using System.Collections.Concurrent;

namespace Downstream.Server.Jobs;

/// <summary>The jobs this node runs now, so a delete can stop their ffmpeg at once.</summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<string, (Job Job, CancellationTokenSource Cancel)> _running = new();

    public IDisposable Track(Job job, CancellationTokenSource cancel)
    {
        _running[job.Id] = (job, cancel);
        return new Untrack(this, job.Id);
    }

    /// <summary>Cancels the running jobs of a video, or of one of its downloads when a type is given.</summary>
    public int Cancel(string videoUid, string? downloadType = null)
    {
        var cancelled = 0;
        foreach (var (job, cancel) in _running.Values)
        {
            if (job.VideoUid == videoUid && (downloadType is null || job.DownloadType == downloadType))
            {
                cancel.Cancel();
                cancelled++;
            }
        }

        return cancelled;
    }

    public int Count => _running.Count;

    private sealed class Untrack(RunningJobs owner, string id) : IDisposable
    {
        public void Dispose() => owner._running.TryRemove(id, out _);
    }
}
