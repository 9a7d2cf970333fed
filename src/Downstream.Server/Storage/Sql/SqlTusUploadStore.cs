using Dapper;
using Downstream.Server.Jobs;
using Downstream.Server.Videos;

namespace Downstream.Server.Storage.Sql;

/// <remarks>
/// On PostgreSQL (many nodes) the append lock is a lease in the row. SQLite serves one node, so there the lock is
/// kept in the process with the same lease rules, and appending a chunk costs one write (its offset), not three.
/// </remarks>
public sealed class SqlTusUploadStore(ISqlDatabase database) : ITusUploadStore
{
    private readonly LocalLocks? _local = database.Dialect == SqlDialect.Sqlite ? new LocalLocks() : null;
    private long? _synchronous;

    private const string Columns = "video_uid, upload_length, upload_offset, metadata, secret_hash, expires, slide_ms, state";

    public async Task CreateAsync(Video video, TusUpload upload, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SqlVideoStore.InsertAsync(connection, transaction, video, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO tus_uploads ({Columns}) VALUES (@VideoUid, @Length, @Offset, @Metadata, @SecretHash, @Expires, @SlideMs, @State)",
            new
            {
                upload.VideoUid,
                upload.Length,
                upload.Offset,
                upload.Metadata,
                upload.SecretHash,
                Expires = UnixTime.To(upload.Expires),
                SlideMs = (long)upload.Slide.TotalMilliseconds,
                upload.State,
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        database.Changed();
    }

    public async Task<TusUpload?> GetAsync(string videoUid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns}, (SELECT account_id FROM videos WHERE uid = @videoUid) AS account_id FROM tus_uploads WHERE video_uid = @videoUid",
            new { videoUid }, cancellationToken: cancellationToken));
        return row?.ToUpload();
    }

    public async Task<TusUpload?> LockAsync(string videoUid, string lockId, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (_local is not null)
        {
            return _local.Take(videoUid, lockId, now, until) ? await GetAsync(videoUid, cancellationToken) : null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            UPDATE tus_uploads SET lock_id = @lockId, locked_until = @until
            WHERE video_uid = @videoUid AND (lock_id IS NULL OR locked_until < @now)
            RETURNING {Columns}
            """, new { videoUid, lockId, now = UnixTime.To(now), until = UnixTime.To(until) }, cancellationToken: cancellationToken));
        return row?.ToUpload();
    }

    public async Task<bool> RenewAsync(string videoUid, string lockId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (_local is not null)
        {
            return _local.Renew(videoUid, lockId, until);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tus_uploads SET locked_until = @until WHERE video_uid = @videoUid AND lock_id = @lockId",
            new { videoUid, lockId, until = UnixTime.To(until) }, cancellationToken: cancellationToken))) == 1;
    }

    public async Task<bool> AdvanceAsync(string videoUid, string lockId, long offset, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        if (_local is not null)
        {
            if (!_local.Holds(videoUid, lockId))
            {
                return false;
            }

            // The offset of a chunk that is not the last is written without waiting for the disk: a power cut may
            // lose the newest few, and the client then resumes a little earlier (from HEAD), as tus provides for.
            // The connection is given back as it came (pooled connections keep their pragmas).
            await using var local = await database.OpenAsync(cancellationToken);
            _synchronous ??= await local.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA synchronous", cancellationToken: cancellationToken));
            var written = await local.ExecuteScalarAsync<long>(new CommandDefinition($"""
                PRAGMA synchronous = NORMAL;
                UPDATE tus_uploads SET upload_offset = @offset, expires = @expires WHERE video_uid = @videoUid AND state = 'open';
                SELECT changes();
                PRAGMA synchronous = {_synchronous};
                """,
                new { videoUid, offset, expires = UnixTime.To(expires) }, cancellationToken: cancellationToken));
            _local.Release(videoUid, lockId);
            return written == 1;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE tus_uploads SET upload_offset = @offset, expires = @expires, lock_id = NULL, locked_until = NULL
            WHERE video_uid = @videoUid AND lock_id = @lockId AND state = 'open'
            """, new { videoUid, lockId, offset, expires = UnixTime.To(expires) }, cancellationToken: cancellationToken))) == 1;
    }

    public async Task<bool> CompleteAsync(string lockId, TusUpload upload, Video stored, Job ingest, CancellationToken cancellationToken)
    {
        if (_local is not null && lockId.Length > 0)
        {
            if (!_local.Holds(upload.VideoUid, lockId))
            {
                return false;
            }

            _local.Release(upload.VideoUid, lockId);
            lockId = "";
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var marked = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE tus_uploads SET upload_offset = upload_length, state = 'done', lock_id = NULL, locked_until = NULL
            WHERE video_uid = @VideoUid AND state = 'open' AND (lock_id = @lockId OR @lockId = '')
            """, new { upload.VideoUid, lockId }, transaction, cancellationToken: cancellationToken));
        var row = SqlVideoStore.VideoRow.From(stored);
        var moved = marked == 1 ? await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE videos SET state = @State, pct_complete = @PctComplete, size = @Size, uploaded = @Uploaded, modified = @Modified,
                error_reason_code = NULL, error_reason_text = NULL
            WHERE uid = @Uid AND state = 'pendingupload'
            """, new { row.Uid, row.State, row.PctComplete, row.Size, row.Uploaded, row.Modified }, transaction, cancellationToken: cancellationToken)) : 0;
        if (moved != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await SqlJobQueue.InsertAsync(connection, transaction, ingest, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        database.Changed();
        return true;
    }

    public async Task UnlockAsync(string videoUid, string lockId, CancellationToken cancellationToken)
    {
        if (_local is not null)
        {
            _local.Release(videoUid, lockId);
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tus_uploads SET lock_id = NULL, locked_until = NULL WHERE video_uid = @videoUid AND lock_id = @lockId",
            new { videoUid, lockId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (_local is not null)
        {
            var due = await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT video_uid FROM tus_uploads WHERE state = 'open' AND expires <= @now", new { now = UnixTime.To(now) }, cancellationToken: cancellationToken));
            var idle = due.Where(uid => !_local.IsHeld(uid, now)).ToArray();
            if (idle.Length > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE tus_uploads SET state = 'expired' WHERE state = 'open' AND {database.Dialect.In("video_uid", "@idle")}", new { idle },
                    cancellationToken: cancellationToken));
            }

            return idle;
        }

        return [.. await connection.QueryAsync<string>(new CommandDefinition("""
            UPDATE tus_uploads SET state = 'expired'
            WHERE state = 'open' AND expires <= @now AND (lock_id IS NULL OR locked_until < @now)
            RETURNING video_uid
            """, new { now = UnixTime.To(now) }, cancellationToken: cancellationToken))];
    }

    /// <summary>Append locks of one process, with the lease rules of the database's.</summary>
    private sealed class LocalLocks
    {
        private readonly Dictionary<string, (string Id, DateTimeOffset Until)> _held = [];

        public bool Take(string uid, string id, DateTimeOffset now, DateTimeOffset until)
        {
            lock (_held)
            {
                if (_held.TryGetValue(uid, out var current) && current.Until >= now)
                {
                    return false;
                }

                _held[uid] = (id, until);
                return true;
            }
        }

        public bool Renew(string uid, string id, DateTimeOffset until)
        {
            lock (_held)
            {
                if (!Holds(uid, id))
                {
                    return false;
                }

                _held[uid] = (id, until);
                return true;
            }
        }

        public bool Holds(string uid, string id)
        {
            lock (_held)
            {
                return _held.TryGetValue(uid, out var current) && current.Id == id;
            }
        }

        public bool IsHeld(string uid, DateTimeOffset now)
        {
            lock (_held)
            {
                return _held.TryGetValue(uid, out var current) && current.Until >= now;
            }
        }

        public void Release(string uid, string id)
        {
            lock (_held)
            {
                if (Holds(uid, id))
                {
                    _held.Remove(uid);
                }
            }
        }
    }

    private sealed class Row
    {
        public string VideoUid { get; set; } = "";
        public long UploadLength { get; set; }
        public long UploadOffset { get; set; }
        public string? Metadata { get; set; }
        public byte[]? SecretHash { get; set; }
        public long Expires { get; set; }
        public long SlideMs { get; set; }
        public string State { get; set; } = "";
        public string? AccountId { get; set; }

        public TusUpload ToUpload() => new()
        {
            AccountId = AccountId ?? "",
            VideoUid = VideoUid,
            Length = UploadLength,
            Offset = UploadOffset,
            Metadata = Metadata,
            SecretHash = SecretHash,
            Expires = UnixTime.From(Expires),
            Slide = TimeSpan.FromMilliseconds(SlideMs),
            State = State,
        };
    }
}
