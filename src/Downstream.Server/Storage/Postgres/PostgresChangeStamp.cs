using Npgsql;

namespace Downstream.Server.Storage.Postgres;

/// <summary>
/// The change stamp across nodes: every write to a cached table fires a statement trigger that sends
/// <c>NOTIFY downstream_changes</c>, delivered to every node when the transaction commits. This node
/// listens on one connection and bumps its stamp on each notification, and bumps it itself after its own
/// writes, so it reads its own writes at once. While the listening connection is down the stamp is
/// unknown and nothing is served from cache; after a reconnect it is bumped, since notices may be lost.
/// </summary>
public sealed class PostgresChangeStamp : IChangeStamp, IAsyncDisposable
{
    public const string Channel = "downstream_changes";
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(5);
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresChangeStamp> _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _stamp;
    private volatile bool _listening;

    public PostgresChangeStamp(NpgsqlDataSource dataSource, ILogger<PostgresChangeStamp> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    public bool TryRead(out ulong stamp)
    {
        stamp = (ulong)Interlocked.Read(ref _stamp);
        return _listening;
    }

    /// <summary>Marks a change made by this node, before its notification comes back.</summary>
    public void Bump() => Interlocked.Increment(ref _stamp);

    /// <summary>Starts listening; returns once the first LISTEN is in place (or failed, then it keeps trying).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = ListenAsync(ready, _stop.Token);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
    }

    private async Task ListenAsync(TaskCompletionSource ready, CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, _) => Interlocked.Increment(ref _stamp);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                Bump();
                _listening = true;
                ready.TrySetResult();
                backoff = TimeSpan.FromMilliseconds(100);
                while (!stop.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(PingInterval, stop))
                    {
                        // Quiet for a while: prove the connection is still alive.
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stop);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                _listening = false;
                ready.TrySetResult();
                _logger.LogWarning("Change notifications from PostgreSQL lost ({Message}); caches are off until they are back", ex.Message);
                await Task.Delay(backoff, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromMilliseconds(Math.Min(5000, backoff.TotalMilliseconds * 2));
            }
            finally
            {
                _listening = false;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}
