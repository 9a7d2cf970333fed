namespace Downstream.Server.Storage;

/// <summary>
/// Media files by key (<c>videos/{uid}/source</c>, <c>videos/{uid}/downloads/default.mp4</c>).
/// Writers get a staging file and commit it in one step, so readers never see a partial file.
/// </summary>
public interface IBlobStore
{
    /// <summary>Starts writing <paramref name="key"/>; disposing without committing discards the staging file.</summary>
    Task<IBlobWrite> BeginWriteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The blob's size, time and a local file path to read it from; null when absent.</summary>
    Task<BlobInfo?> GetAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes every blob whose key starts with <paramref name="prefix"/>.</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken);
}

public interface IBlobWrite : IAsyncDisposable
{
    /// <summary>A local file to fill (by a stream or by ffmpeg) before <see cref="CommitAsync"/>.</summary>
    string StagingPath { get; }

    /// <summary>Moves the staging file into place atomically, replacing any earlier blob.</summary>
    Task<BlobInfo> CommitAsync(CancellationToken cancellationToken);
}

public sealed record BlobInfo(string LocalPath, long Length, DateTimeOffset LastModified);
