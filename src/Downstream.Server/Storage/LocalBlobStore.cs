namespace Downstream.Server.Storage;

/// <summary>Blobs as files below one folder. Staging files sit beside their target so the commit is a rename.</summary>
public sealed class LocalBlobStore : IBlobStore
{
    private const string StagingSuffix = ".partial";
    private readonly string _root;

    public LocalBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public Task<IBlobWrite> BeginWriteAsync(string key, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = Path.Combine(
            Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{StagingSuffix}");
        return Task.FromResult<IBlobWrite>(new LocalWrite(staging, target));
    }

    public Task<BlobInfo?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? new BlobInfo(file.FullName, file.Length, file.LastWriteTimeUtc) : null);
    }

    public Task<ILocalBlob?> OpenLocalAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return Task.FromResult<ILocalBlob?>(File.Exists(path) ? new LocalFile(path) : null);
    }

    public Task<Stream> OpenRangeAsync(string key, long offset, long count, CancellationToken cancellationToken)
    {
        var stream = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous);
        stream.Position = offset;
        return Task.FromResult<Stream>(stream);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var folder = PathOf(prefix.TrimEnd('/'));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Removes staging files that a crashed process left behind.</summary>
    public int DeleteStaleStagingFiles(TimeSpan olderThan, DateTimeOffset now)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_root, "*" + StagingSuffix, SearchOption.AllDirectories))
        {
            if (now - File.GetLastWriteTimeUtc(file) > olderThan)
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob key '{key}' leaves the storage folder.", nameof(key));
        }

        return path;
    }

    private sealed class LocalFile(string path) : ILocalBlob
    {
        public string Path => path;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class LocalWrite(string staging, string target) : IBlobWrite
    {
        private bool _committed;

        public string StagingPath => staging;

        public Task<BlobInfo> CommitAsync(CancellationToken cancellationToken)
        {
            File.Move(staging, target, overwrite: true);
            _committed = true;
            var file = new FileInfo(target);
            return Task.FromResult(new BlobInfo(file.FullName, file.Length, file.LastWriteTimeUtc));
        }

        public ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                File.Delete(staging);
            }

            return ValueTask.CompletedTask;
        }
    }
}
