using System.Diagnostics.Metrics;
using Dapper;
using Downstream.Server.Storage.Sql;

namespace Downstream.Server.Hosting.Metrics;

/// <summary>
/// The queue's size for the <c>downstream.jobs</c> gauge: read from the database at most every few seconds, and
/// only while someone scrapes (a scrape answers with the last reading and starts the next).
/// </summary>
public sealed class JobCounts(ISqlDatabase database, TimeProvider time, ILogger<JobCounts> logger)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private static readonly string[] Kinds = [Jobs.JobKinds.Ingest, Jobs.JobKinds.Download, Jobs.JobKinds.Copy];
    private static readonly string[] States = ["queued", "running", "waiting"];
    private IReadOnlyList<Measurement<long>> _last = [];
    private long _readAt;
    private int _reading;

    public IEnumerable<Measurement<long>> Observe()
    {
        if (time.GetElapsedTime(_readAt) > MaxAge && Interlocked.Exchange(ref _reading, 1) == 0)
        {
            _ = RefreshAsync();
        }

        return _last;
    }

    /// <summary>Reads the counts now (the first scrape, and tests, wait for it).</summary>
    public async Task RefreshAsync()
    {
        try
        {
            var now = UnixTime.To(time.GetUtcNow());
            await using var connection = await database.OpenAsync(CancellationToken.None);
            var rows = await connection.QueryAsync<(string Kind, string State, long Count)>("""
                SELECT kind, CASE WHEN lease_expires > @now THEN 'running' WHEN available_at >= @waiting THEN 'waiting' ELSE 'queued' END, count(*)
                FROM jobs GROUP BY 1, 2
                """, new { now, waiting = UnixTime.To(Jobs.JobKinds.Waiting) });
            var counts = rows.ToDictionary(r => (r.Kind, r.State), r => r.Count);
            // Every series is there from the first scrape, zeros included, so rates and alerts need no special case.
            _last = [.. Kinds.SelectMany(kind => States.Select(state => (kind, state))).Concat(counts.Keys).Distinct()
                .Select(key => new Measurement<long>(counts.GetValueOrDefault(key), new KeyValuePair<string, object?>("kind", key.Item1), new KeyValuePair<string, object?>("state", key.Item2)))];
            _readAt = time.GetTimestamp();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not count the jobs for /metrics");
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
