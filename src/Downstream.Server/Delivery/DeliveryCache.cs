using System.Collections.Concurrent;
using Downstream.Server.Hosting;
using Downstream.Server.Storage;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Delivery;

/// <summary>
/// Copies of delivered downloads on this node's disk when media lives in S3, so a player's many Range
/// requests are answered with pread instead of a request to the bucket each. An entry is named by the
/// download's job id (its ETag): a download made again is a new entry, never a stale one. Access is decided
/// before the cache is asked, so a deleted or private video is never served from it. Bounded by
/// <see cref="DownstreamOptions.S3CacheBytes"/>, least recently used out first; emptied at start.
/// </summary>
public sealed class DeliveryCache
{
    private readonly IBlobStore _blobs;
    private readonly string _folder;
    private readonly long _capacity;
    private readonly long _minFreeBytes;
    private readonly ILogger<DeliveryCache> _logger;
    private readonly Func<string, long> _freeBytesOf;
    private readonly ConcurrentDictionary<string, Task> _filling = new(StringComparer.Ordinal);
    private readonly LruFiles _files;

    public DeliveryCache(IBlobStore blobs, IOptions<DownstreamOptions> options, TimeProvider time, ILogger<DeliveryCache> logger, Func<string, long>? freeBytesOf = null)
    {
        _blobs = blobs;
        _folder = Path.Combine(options.Value.FullScratchDir, "delivery-cache");
        _capacity = blobs is LocalBlobStore ? 0 : options.Value.S3CacheBytes;
        _minFreeBytes = options.Value.MinFreeBytes;
        _logger = logger;
        _freeBytesOf = freeBytesOf ?? (path => new DriveInfo(path).AvailableFreeSpace);
        _files = new LruFiles(_capacity, time);
        if (_capacity > 0)
        {
            // Nothing from an earlier run is trusted: it may be partial, or of a video deleted meanwhile.
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }

            Directory.CreateDirectory(_folder);
        }
    }

    public bool Enabled => _capacity > 0;

    /// <summary>Bytes held now.</summary>
    public long Bytes => _files.Bytes;

    /// <summary>
    /// The local copy of a ready download, or null; a miss starts filling the copy in the background
    /// (once, and only for files up to a quarter of the cache) while the caller reads from the store.
    /// </summary>
    public string? Find(string uid, string jobId, string fileName, string key, long length)
    {
        if (!Enabled)
        {
            return null;
        }

        var name = Name(uid, jobId, fileName);
        if (_files.Find(name, length) is { } held)
        {
            return held;
        }

        if (length <= _capacity / 4 && !_filling.ContainsKey(name))
        {
            var fill = new TaskCompletionSource();
            if (_filling.TryAdd(name, fill.Task))
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await FillAsync(name, key, length);
                    }
                    finally
                    {
                        _filling.TryRemove(name, out _);
                        fill.SetResult();
                    }
                });
            }
        }

        return null;
    }

    /// <summary>Whether a copy is held, without starting one (tests).</summary>
    internal bool Holds(string uid, string jobId, string fileName) => _files.Contains(Name(uid, jobId, fileName));

    /// <summary>Drops the copies of one video (it was deleted, or its downloads were).</summary>
    public void Forget(string uid)
    {
        foreach (var name in _files.Keys.Where(n => n.StartsWith(uid + ".", StringComparison.Ordinal)))
        {
            _files.Remove(name);
        }
    }

    /// <summary>Uids with copies here, for the janitor to check against the database.</summary>
    public IReadOnlyList<string> Videos() => [.. _files.Keys.Select(n => n[..n.IndexOf('.', StringComparison.Ordinal)]).Distinct()];

    /// <summary>Waits for fills in progress (tests, and a clean stop).</summary>
    public Task DrainAsync() => Task.WhenAll(_filling.Values);

    private async Task FillAsync(string name, string key, long length)
    {
        var path = Path.Combine(_folder, name);
        var partial = path + ".partial";
        try
        {
            if (_freeBytesOf(_folder) - length < _minFreeBytes)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            await using (var source = await _blobs.OpenRangeAsync(key, 0, length, timeout.Token))
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(file, 1 << 20, timeout.Token);
            }

            if (new FileInfo(partial).Length != length)
            {
                throw new IOException($"The store gave {new FileInfo(partial).Length} bytes of {key}, not {length}.");
            }

            File.Move(partial, path, overwrite: true);
            _files.Add(name, path, length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException or HttpRequestException)
        {
            _logger.LogWarning("Could not keep a copy of {Key} for delivery: {Reason}", key, ex.Message);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static string Name(string uid, string jobId, string fileName) => $"{uid}.{jobId}.{fileName}";
}
