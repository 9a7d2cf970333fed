using System.Collections.Concurrent;

namespace Downstream.Server.Storage;

/// <summary>
/// A cache of reads that stay valid while the store's <see cref="IChangeStamp"/> does. The stamp is
/// taken before the read, so a change committed during the read makes the entry stale at once.
/// Bounded: past <see cref="MaxEntries"/> it is cleared rather than grown.
/// </summary>
public sealed class StampedCache<TKey, TValue>(IChangeStamp stamps, int maxEntries = 10_000)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (ulong Stamp, TValue Value)> _entries = new();

    public int MaxEntries => maxEntries;

    /// <param name="key">What is read.</param>
    /// <param name="read">Reads the value from the store.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="keep">Whether a value just read may be kept; by default every value is.</param>
    public async ValueTask<TValue> GetOrReadAsync(
        TKey key, Func<TKey, CancellationToken, Task<TValue>> read, CancellationToken cancellationToken, Func<TValue, bool>? keep = null)
    {
        if (!stamps.TryRead(out var stamp))
        {
            return await read(key, cancellationToken);
        }

        if (_entries.TryGetValue(key, out var entry) && entry.Stamp == stamp)
        {
            return entry.Value;
        }

        var value = await read(key, cancellationToken);
        if (keep is not null && !keep(value))
        {
            return value;
        }

        if (_entries.Count >= maxEntries)
        {
            _entries.Clear();
        }

        _entries[key] = (stamp, value);
        return value;
    }
}
