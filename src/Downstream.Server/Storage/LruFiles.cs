using System.Collections.Concurrent;

namespace Downstream.Server.Storage;

/// <summary>
/// Files on this node's disk, each under a key, held up to a byte capacity: adding one past it deletes the least
/// recently used others (never the one just added). A reader with the file open keeps reading when its name goes.
/// Used by the node's copies of delivered downloads and by its thumbnails.
/// </summary>
public sealed class LruFiles(long capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _evicting = new();
    private long _bytes;

    /// <summary>Bytes held now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public IEnumerable<string> Keys => _entries.Keys;

    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>The file's path, marked as just used; null when not held (or, with <paramref name="length"/>, held at another length).</summary>
    public string? Find(string key, long? length = null)
    {
        if (!_entries.TryGetValue(key, out var entry) || (length is { } expected && entry.Length != expected))
        {
            return null;
        }

        entry.LastUsed = time.GetTimestamp();
        return entry.Path;
    }

    /// <summary>Holds a file now complete at <paramref name="path"/>, in place of any earlier one under the key.</summary>
    public void Add(string key, string path, long length)
    {
        var entry = new Entry(path, length) { LastUsed = time.GetTimestamp() };
        lock (_evicting)
        {
            if (_entries.TryGetValue(key, out var earlier))
            {
                Interlocked.Add(ref _bytes, -earlier.Length);
            }

            _entries[key] = entry;
            Interlocked.Add(ref _bytes, length);
            while (Bytes > capacity && OldestBut(key) is { } oldest)
            {
                Remove(oldest);
            }
        }
    }

    private string? OldestBut(string key)
    {
        string? oldest = null;
        var at = long.MaxValue;
        foreach (var (name, entry) in _entries)
        {
            if (name != key && entry.LastUsed < at)
            {
                (oldest, at) = (name, entry.LastUsed);
            }
        }

        return oldest;
    }

    /// <summary>Lets a file go: its name is deleted at once.</summary>
    public void Remove(string key)
    {
        if (_entries.TryRemove(key, out var entry))
        {
            Interlocked.Add(ref _bytes, -entry.Length);
            File.Delete(entry.Path);
        }
    }

    private sealed class Entry(string path, long length)
    {
        public string Path => path;

        public long Length => length;

        public long LastUsed { get; set; }
    }
}
