using System.Collections.Concurrent;
using Downstream.Server.Hosting;
using Downstream.Server.Storage;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Thumbnails;

/// <summary>
/// Thumbnails made on this node, kept on its disk (in the scratch folder) up to
/// <see cref="DownstreamOptions.ThumbnailCacheBytes"/>, least recently used out first; emptied at start.
/// Access is decided before the cache is asked, so a deleted or private video is never served from it.
/// One request makes a given thumbnail; the others wait for it.
/// </summary>
public sealed class ThumbnailCache
{
    private readonly string _folder;
    private readonly LruFiles _files;
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _making = new(StringComparer.Ordinal);

    public ThumbnailCache(IOptions<DownstreamOptions> options, TimeProvider time)
    {
        _folder = Path.Combine(options.Value.FullScratchDir, "thumbnails");
        _files = new LruFiles(options.Value.ThumbnailCacheBytes, time);
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        Directory.CreateDirectory(_folder);
    }

    /// <summary>Bytes held now.</summary>
    public long Bytes => _files.Bytes;

    /// <summary>
    /// The file for <paramref name="key"/>, made by <paramref name="make"/> (which writes the path it is given and
    /// answers whether it did) when missing; null when it could not be made.
    /// </summary>
    public async Task<string?> GetOrMakeAsync(string key, Func<string, CancellationToken, Task<bool>> make, CancellationToken cancellationToken)
    {
        // Checked: a hit whose file is gone (the scratch folder emptied by hand) is made again.
        if (_files.Find(key) is { } held && File.Exists(held))
        {
            return held;
        }

        // Not the caller's token: the others waiting for the same thumbnail must not lose it when this caller goes.
        var making = _making.GetOrAdd(key, k => new Lazy<Task<string?>>(() => MakeAsync(k, make)));
        try
        {
            return await making.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (making.Value.IsCompleted)
            {
                _making.TryRemove(new KeyValuePair<string, Lazy<Task<string?>>>(key, making));
            }
        }
    }

    private async Task<string?> MakeAsync(string key, Func<string, CancellationToken, Task<bool>> make)
    {
        var name = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        var path = Path.Combine(_folder, name + ".jpg");
        var staging = path + "." + Guid.NewGuid().ToString("N") + ".part";
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            if (!await make(staging, timeout.Token) || new FileInfo(staging) is not { Exists: true, Length: > 0 } made)
            {
                return null;
            }

            File.Move(staging, path, overwrite: true);
            _files.Add(key, path, made.Length);
            return path;
        }
        finally
        {
            File.Delete(staging);
        }
    }
}
