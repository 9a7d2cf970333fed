namespace Downstream.Server.Jobs;

/// <summary>Does one kind of job. Throwing asks for a retry; the worker gives up after the configured attempts.</summary>
public interface IJobHandler
{
    string Kind { get; }

    Task RunAsync(Job job, CancellationToken cancellationToken);

    /// <summary>Records the final failure where users see it (the download's or the video's status).</summary>
    Task GiveUpAsync(Job job, string reason, CancellationToken cancellationToken);
}
