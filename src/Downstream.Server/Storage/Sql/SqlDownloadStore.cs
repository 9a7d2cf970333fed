using Dapper;
using Downstream.Server.Downloads;
using Downstream.Server.Jobs;

namespace Downstream.Server.Storage.Sql;

/// <param name="outbox">Adds the webhook event of a download that ends <c>ready</c> or <c>error</c>, in the same transaction.</param>
public sealed class SqlDownloadStore(ISqlDatabase database, WebhookOutbox? outbox = null) : IDownloadStore
{
    private const string Columns = "video_uid, type, status, percent_complete, error_text, job_id, size, created, modified, sha256, mode, eta_seconds, error_code, ready_at";

    public async Task<IReadOnlyList<Download>> ListAsync(string videoUid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DownloadRow>(new CommandDefinition(
            $"SELECT {Columns} FROM downloads WHERE video_uid = @videoUid ORDER BY type DESC", new { videoUid },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDownload())];
    }

    public async Task<Download?> GetAsync(string videoUid, string type, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DownloadRow>(new CommandDefinition(
            $"SELECT {Columns} FROM downloads WHERE video_uid = @videoUid AND type = @type", new { videoUid, type },
            cancellationToken: cancellationToken));
        return row?.ToDownload();
    }

    public async Task<IReadOnlyList<Download>?> ListForAccountAsync(string accountId, string videoUid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<DownloadRow>(new CommandDefinition("""
            SELECT v.uid AS video_uid, d.type, d.status, d.percent_complete, d.error_text, d.job_id, d.size, d.created, d.modified,
                d.sha256, d.mode, d.eta_seconds, d.error_code, d.ready_at
            FROM videos v LEFT JOIN downloads d ON d.video_uid = v.uid
            WHERE v.uid = @videoUid AND v.account_id = @accountId
            ORDER BY d.type DESC
            """, new { videoUid, accountId }, cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? null : [.. rows.Where(r => r.Type is not null).Select(r => r.ToDownload())];
    }

    public async Task<bool> CreateAsync(Download download, Job? job, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One statement decides under the write lock: insert, or restart a failed download, or leave it.
        var changed = await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO downloads ({Columns})
            VALUES (@VideoUid, @Type, @Status, @PercentComplete, @ErrorText, @JobId, @Size, @Created, @Modified, NULL, NULL, NULL, @ErrorCode, NULL)
            ON CONFLICT (video_uid, type) DO UPDATE SET
                status = excluded.status, percent_complete = excluded.percent_complete,
                error_text = excluded.error_text, job_id = excluded.job_id, size = NULL, modified = excluded.modified,
                sha256 = NULL, mode = NULL, eta_seconds = NULL, error_code = excluded.error_code, ready_at = NULL
            WHERE downloads.status = 'error' AND excluded.status <> 'error'
            """, DownloadRow.From(download), transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return false;
        }

        if (job is not null)
        {
            await SqlJobQueue.InsertAsync(connection, transaction, job, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        database.Changed();
        return job is not null;
    }

    public async Task<bool> DeleteAsync(string videoUid, string type, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM downloads WHERE video_uid = @videoUid AND type = @type", new { videoUid, type },
            cancellationToken: cancellationToken))) == 1;
    }

    public async Task<bool> UpdateProgressAsync(
        string videoUid, string type, string jobId, DownloadProgress progress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE downloads SET percent_complete = @Percent, eta_seconds = @EtaSeconds, mode = COALESCE(@Mode, mode), modified = @now
            WHERE video_uid = @videoUid AND type = @type AND job_id = @jobId AND status = 'inprogress'
            """, new { videoUid, type, jobId, progress.Percent, progress.EtaSeconds, progress.Mode, now = UnixTime.To(now) }, cancellationToken: cancellationToken))) == 1;
    }

    public async Task<bool> FinishAsync(
        string videoUid, string type, string jobId, DownloadOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = outcome.Status;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE downloads SET status = @Status, error_text = @ErrorText, error_code = @ErrorCode, size = @Size, sha256 = @Sha256,
                eta_seconds = NULL, modified = @now, ready_at = CASE WHEN @Status = 'ready' THEN @now ELSE NULL END,
                percent_complete = CASE WHEN @Status = 'ready' THEN 100 ELSE percent_complete END
            WHERE video_uid = @videoUid AND type = @type AND job_id = @jobId
            """, new { videoUid, type, jobId, outcome.Status, outcome.ErrorText, outcome.ErrorCode, outcome.Size, outcome.Sha256, now = UnixTime.To(now) },
            transaction, cancellationToken: cancellationToken));
        if (updated == 1 && outbox is not null)
        {
            var row = await connection.QuerySingleAsync<DownloadRow>(new CommandDefinition(
                "SELECT d.*, v.account_id AS account_id FROM downloads d JOIN videos v ON v.uid = d.video_uid WHERE d.video_uid = @videoUid AND d.type = @type",
                new { videoUid, type }, transaction, cancellationToken: cancellationToken));
            var download = row.ToDownload();
            await outbox.AddAsync(connection, transaction, row.AccountId ?? "",
                status == DownloadStatuses.Ready ? Webhooks.WebhookPayloads.DownloadReady : Webhooks.WebhookPayloads.DownloadError,
                videoUid, downloadEvent: true, () => Task.FromResult(outbox.Payloads.Download(videoUid, download)), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return database.Wrote(updated) == 1;
    }

    internal sealed class DownloadRow
    {
        public string VideoUid { get; set; } = "";
        public string? AccountId { get; set; }
        public string? Type { get; set; }
        public string? Status { get; set; }
        public double PercentComplete { get; set; }
        public string? ErrorText { get; set; }
        public string? JobId { get; set; }
        public long? Size { get; set; }
        public long? Created { get; set; }
        public long? Modified { get; set; }
        public string? Sha256 { get; set; }
        public string? Mode { get; set; }
        public double? EtaSeconds { get; set; }
        public string? ErrorCode { get; set; }
        public long? ReadyAt { get; set; }

        public static DownloadRow From(Download d) => new()
        {
            VideoUid = d.VideoUid,
            Type = d.Type,
            Status = d.Status,
            PercentComplete = d.PercentComplete,
            ErrorText = d.ErrorText,
            JobId = d.JobId,
            Size = d.Size,
            Created = UnixTime.To(d.Created),
            Modified = UnixTime.To(d.Modified),
            ErrorCode = d.ErrorCode,
        };

        public Download ToDownload() => new()
        {
            VideoUid = VideoUid,
            Type = Type!,
            Status = Status!,
            PercentComplete = PercentComplete,
            ErrorText = ErrorText,
            JobId = JobId!,
            Size = Size,
            Created = UnixTime.From(Created ?? 0),
            Modified = UnixTime.From(Modified ?? 0),
            Sha256 = Sha256,
            Mode = Mode,
            EtaSeconds = EtaSeconds,
            ErrorCode = ErrorCode,
            ReadyAt = ReadyAt is { } ready ? UnixTime.From(ready) : null,
        };
    }
}
