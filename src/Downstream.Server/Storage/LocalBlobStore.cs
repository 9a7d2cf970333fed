namespace Downstream.Server.Storage;

/// <summary>Blobs as files below one folder. Staging files sit beside their target so the commit is a rename.</summary>
public sealed class LocalBlobStore : IBlobStore
{
    private const string StagingSuffix = ".partial";
    private readonly string _root;
    private readonly IFileDurability _durability;

    public LocalBlobStore(string root, IFileDurability? durability = null)
    {
        _durability = durability ?? FileDurability.Instance;
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public Task<IBlobWrite> BeginWriteAsync(string key, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = Path.Combine(
            Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{StagingSuffix}");
        return Task.FromResult<IBlobWrite>(new LocalWrite(staging, target, _durability));
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
        DeleteFile(PathOf(key));
        return Task.CompletedTask;
    }

    /// <summary>Deletes a file; a folder already gone (its video deleted meanwhile) is no error.</summary>
    private static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
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

    /// <summary>
    /// Video folders (<c>videos/{uid}</c>) in which nothing changed for <paramref name="quietFor"/>: candidates for
    /// the janitor's orphan sweep. A file being written keeps its folder out, however long the upload takes.
    /// </summary>
    public Task<IReadOnlyList<string>> QuietVideosAsync(TimeSpan quietFor, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(QuietVideoFolders(quietFor, now));

    private List<string> QuietVideoFolders(TimeSpan quietFor, DateTimeOffset now)
    {
        var videos = Path.Combine(_root, "videos");
        if (!Directory.Exists(videos))
        {
            return [];
        }

        var quiet = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories(videos))
        {
            var newest = Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
                .Select(File.GetLastWriteTimeUtc)
                .Append(Directory.GetLastWriteTimeUtc(folder))
                .Max();
            if (now - newest > quietFor && Api.Ids.IsValid(Path.GetFileName(folder)))
            {
                quiet.Add(Path.GetFileName(folder));
            }
        }

        return quiet;
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

    /// <summary>Moves a finished file of this store's folder into place as <paramref name="key"/>, durably.</summary>
    internal void Publish(string path, string key)
    {
        var target = PathOf(key);
        _durability.FlushFile(path);
        File.Move(path, target, overwrite: true);
        _durability.FlushFolder(Path.GetDirectoryName(target)!);
    }

    internal string PathOf(string key)
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

    private sealed class LocalWrite(string staging, string target, IFileDurability durability) : IBlobWrite
    {
        private readonly Writeback _writeback = new(staging);
        private bool _committed;

        public string StagingPath => staging;

        public void Written(long length, bool complete) => _writeback.Progress(length);

        /// <summary>
        /// The bytes reach the disk before the rename that publishes them, and the rename before anyone is told:
        /// a crash can lose a blob that was never announced, never announce one that is not whole.
        /// </summary>
        public async Task<BlobInfo> CommitAsync(CancellationToken cancellationToken)
        {
            await _writeback.DrainAsync();
            durability.FlushFile(staging);
            File.Move(staging, target, overwrite: true);
            durability.FlushFolder(Path.GetDirectoryName(target)!);
            _committed = true;
            var file = new FileInfo(target);
            return new BlobInfo(file.FullName, file.Length, file.LastWriteTimeUtc);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                await _writeback.DrainAsync();
                DeleteFile(staging);
            }
        }
    }
}
