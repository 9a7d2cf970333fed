using Dapper;
using Downstream.Server.Jobs;
using Downstream.Server.Videos;

namespace Downstream.Server.Storage.Sql;

public sealed class SqlTusUploadStore(ISqlDatabase database) : ITusUploadStore
{
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
            $"SELECT {Columns} FROM tus_uploads WHERE video_uid = @videoUid", new { videoUid }, cancellationToken: cancellationToken));
        return row?.ToUpload();
    }

    public async Task<bool> LockAsync(string videoUid, string lockId, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE tus_uploads SET lock_id = @lockId, locked_until = @until
            WHERE video_uid = @videoUid AND (lock_id IS NULL OR locked_until < @now)
            """, new { videoUid, lockId, now = UnixTime.To(now), until = UnixTime.To(until) }, cancellationToken: cancellationToken))) == 1;
    }

    public async Task<bool> RenewAsync(string videoUid, string lockId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tus_uploads SET locked_until = @until WHERE video_uid = @videoUid AND lock_id = @lockId",
            new { videoUid, lockId, until = UnixTime.To(until) }, cancellationToken: cancellationToken))) == 1;
    }

    public async Task<bool> AdvanceAsync(string videoUid, string lockId, long offset, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE tus_uploads SET upload_offset = @offset, expires = @expires
            WHERE video_uid = @videoUid AND lock_id = @lockId AND state = 'open'
            """, new { videoUid, lockId, offset, expires = UnixTime.To(expires) }, cancellationToken: cancellationToken))) == 1;
    }

    public async Task<bool> CompleteAsync(string lockId, TusUpload upload, Video stored, Job ingest, CancellationToken cancellationToken)
    {
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
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tus_uploads SET lock_id = NULL, locked_until = NULL WHERE video_uid = @videoUid AND lock_id = @lockId",
            new { videoUid, lockId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition("""
            UPDATE tus_uploads SET state = 'expired'
            WHERE state = 'open' AND expires <= @now AND (lock_id IS NULL OR locked_until < @now)
            RETURNING video_uid
            """, new { now = UnixTime.To(now) }, cancellationToken: cancellationToken))];
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

        public TusUpload ToUpload() => new()
        {
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
