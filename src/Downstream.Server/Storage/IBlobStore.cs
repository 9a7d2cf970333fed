namespace Downstream.Server.Storage;

/// <summary>
/// Media files by key (<c>videos/{uid}/source</c>, <c>videos/{uid}/downloads/default.mp4</c>), on a local
/// folder or in an S3 bucket. Writers get a local staging file and commit it in one step, so readers never
/// see a partial blob; tools that read files (ffmpeg) get a local file for a blob.
/// </summary>
public interface IBlobStore
{
    /// <summary>Starts writing <paramref name="key"/>; disposing without committing discards the staging file.</summary>
    Task<IBlobWrite> BeginWriteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The blob's size and time, and its path when it is a file on this machine; null when absent.</summary>
    Task<BlobInfo?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>A local file holding the blob, for tools that read files; null when absent. Dispose it when done.</summary>
    Task<ILocalBlob?> OpenLocalAsync(string key, CancellationToken cancellationToken);

    /// <summary>The bytes <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/> of the blob.</summary>
    Task<Stream> OpenRangeAsync(string key, long offset, long count, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes every blob whose key starts with <paramref name="prefix"/>.</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Uids of the videos (<c>videos/{uid}/...</c>) none of whose blobs changed for <paramref name="quietFor"/>:
    /// candidates for the janitor's sweep of media whose video no longer exists.
    /// </summary>
    Task<IReadOnlyList<string>> QuietVideosAsync(TimeSpan quietFor, DateTimeOffset now, CancellationToken cancellationToken);
}

public interface IBlobWrite : IAsyncDisposable
{
    /// <summary>A local file to fill (by a stream or by ffmpeg) before <see cref="CommitAsync"/>.</summary>
    string StagingPath { get; }

    /// <summary>
    /// Says that the first <paramref name="length"/> bytes of the staging file are written and will not
    /// change (<paramref name="complete"/>: that is the whole file), so a remote store may start sending
    /// them while the rest arrives. Optional: <see cref="CommitAsync"/> sends whatever was not sent.
    /// </summary>
    void Written(long length, bool complete)
    {
    }

    /// <summary>Publishes the staging file atomically under the key, replacing any earlier blob.</summary>
    Task<BlobInfo> CommitAsync(CancellationToken cancellationToken);
}

/// <summary>A blob as a local file; disposing releases it (a scratch copy is deleted, a local blob is left alone).</summary>
public interface ILocalBlob : IAsyncDisposable
{
    string Path { get; }
}

/// <param name="LocalPath">The file itself when the store is a local folder; null for remote stores.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="LastModified">When the blob was written.</param>
public sealed record BlobInfo(string? LocalPath, long Length, DateTimeOffset LastModified);
