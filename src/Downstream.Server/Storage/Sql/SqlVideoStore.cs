using System.Text;
using System.Text.Json;
using Dapper;
using Downstream.Server.Jobs;
using Downstream.Server.Media;
using Downstream.Server.Videos;

namespace Downstream.Server.Storage.Sql;

/// <param name="outbox">Adds the webhook event of a video that ends <c>ready</c> or <c>error</c>, in the same transaction.</param>
public sealed class SqlVideoStore(ISqlDatabase database, WebhookOutbox? outbox = null) : IVideoStore
{
    private const string Columns = """
        uid, account_id, state, pct_complete, error_reason_code, error_reason_text, duration, width, height,
        size, meta, name, creator, require_signed_urls, allowed_origins, thumbnail_timestamp_pct,
        scheduled_deletion, max_duration_seconds, source_url, media, created, modified, uploaded, ready_at
        """;

    private const string Values = """
        @Uid, @AccountId, @State, @PctComplete, @ErrorReasonCode, @ErrorReasonText, @Duration, @Width, @Height,
        @Size, @Meta, @Name, @Creator, @RequireSignedUrls, @AllowedOrigins, @ThumbnailTimestampPct,
        @ScheduledDeletion, @MaxDurationSeconds, @SourceUrl, @Media, @Created, @Modified, @Uploaded, @ReadyAt
        """;

    /// <summary>The insert alone, inside a caller's transaction (a direct upload stores its capability with it).</summary>
    internal static Task InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, Video video, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO videos ({Columns}) VALUES ({Values})", VideoRow.From(video), transaction, cancellationToken: cancellationToken));

    public async Task InsertAsync(Video video, Job? ingestJob, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertAsync(connection, transaction, video, cancellationToken);
        if (ingestJob is not null)
        {
            await SqlJobQueue.InsertAsync(connection, transaction, ingestJob, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        database.Changed();
    }

    public async Task<Video?> GetAsync(string uid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<VideoRow>(new CommandDefinition(
            $"SELECT {Columns} FROM videos WHERE uid = @uid", new { uid }, cancellationToken: cancellationToken));
        return row?.ToVideo();
    }

    public async Task<VideoPage> ListAsync(string accountId, VideoQuery query, CancellationToken cancellationToken)
    {
        var filters = new StringBuilder("account_id = @accountId");
        var parameters = new DynamicParameters(new { accountId });
        if (query.State is not null)
        {
            filters.Append(" AND state = @state");
            parameters.Add("state", query.State);
        }

        if (query.Creator is not null)
        {
            filters.Append(" AND creator = @creator");
            parameters.Add("creator", query.Creator);
        }

        if (query.Search is not null)
        {
            filters.Append($" AND {database.Dialect.Position}(lower(coalesce(name, '')), lower(@search)) > 0");
            parameters.Add("search", query.Search);
        }

        if (query.Start is not null)
        {
            filters.Append(" AND created >= @start");
            parameters.Add("start", UnixTime.To(query.Start.Value));
        }

        if (query.End is not null)
        {
            filters.Append(" AND created <= @end");
            parameters.Add("end", UnixTime.To(query.End.Value));
        }

        var cursor = new StringBuilder();
        if (query.Before is not null)
        {
            cursor.Append(" AND created < @before");
            parameters.Add("before", UnixTime.To(query.Before.Value));
        }

        if (query.After is not null)
        {
            cursor.Append(" AND created > @after");
            parameters.Add("after", UnixTime.To(query.After.Value));
        }

        parameters.Add("limit", query.Limit);
        var order = query.Ascending ? "ASC" : "DESC";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<VideoRow>(new CommandDefinition(
            $"SELECT {Columns} FROM videos WHERE {filters}{cursor} ORDER BY created {order}, uid {order} LIMIT @limit",
            parameters, cancellationToken: cancellationToken));
        var videos = rows.Select(r => r.ToVideo()).ToList();
        if (!query.IncludeCounts)
        {
            return new VideoPage(videos, null, null);
        }

        var counts = await connection.QuerySingleAsync<(long Range, long Total)>(new CommandDefinition(
            $"SELECT (SELECT count(*) FROM videos WHERE {filters}{cursor}), (SELECT count(*) FROM videos WHERE {filters})",
            parameters, cancellationToken: cancellationToken));
        return new VideoPage(videos, (int)counts.Range, (int)counts.Total);
    }

    public async Task<bool> UpdateEditableAsync(Video video, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition(SqlUpdateEditable, VideoRow.From(video), cancellationToken: cancellationToken))) == 1;
    }

    public async Task<bool> FinishIngestAsync(Video video, string expectedState, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = VideoRow.From(video);
        var updated = await connection.ExecuteAsync(new CommandDefinition(SqlFinishIngest, new
        {
            row.Uid,
            row.State,
            row.PctComplete,
            row.ErrorReasonCode,
            row.ErrorReasonText,
            row.Duration,
            row.Width,
            row.Height,
            row.Size,
            row.Media,
            row.Modified,
            row.Uploaded,
            row.ReadyAt,
            expectedState,
        }, transaction, cancellationToken: cancellationToken));
        if (updated == 1 && outbox is not null && video.State is VideoStates.Ready or VideoStates.Error)
        {
            // The stored video, edits included, is what GET returns and so what the event carries; it is read
            // only when the account has a webhook to send it to.
            await outbox.AddAsync(connection, transaction, video.AccountId,
                video.State == VideoStates.Ready ? Webhooks.WebhookPayloads.VideoReady : Webhooks.WebhookPayloads.VideoError,
                video.Uid, downloadEvent: false, async () => outbox.Payloads.Video((await connection.QuerySingleAsync<VideoRow>(new CommandDefinition(
                    $"SELECT {Columns} FROM videos WHERE uid = @uid", new { uid = video.Uid }, transaction, cancellationToken: cancellationToken))).ToVideo()),
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return database.Wrote(updated) == 1;
    }

    // Each writer owns its columns: an edit never undoes ingest, and ingest never undoes an edit.
    internal const string SqlUpdateEditable = """
        UPDATE videos SET meta = @Meta, name = @Name, creator = @Creator, require_signed_urls = @RequireSignedUrls,
            allowed_origins = @AllowedOrigins, thumbnail_timestamp_pct = @ThumbnailTimestampPct,
            scheduled_deletion = @ScheduledDeletion, max_duration_seconds = @MaxDurationSeconds, modified = @Modified
        WHERE uid = @Uid
        """;

    internal const string SqlFinishIngest = """
        UPDATE videos SET state = @State, pct_complete = @PctComplete, error_reason_code = @ErrorReasonCode,
            error_reason_text = @ErrorReasonText, duration = @Duration, width = @Width, height = @Height, size = @Size,
            media = @Media, modified = @Modified, uploaded = @Uploaded, ready_at = @ReadyAt
        WHERE uid = @Uid AND state = @expectedState
        """;

    public async Task<bool> DeleteAsync(string uid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM videos WHERE uid = @uid", new { uid }, cancellationToken: cancellationToken))) == 1;
    }

    public async Task<IReadOnlySet<string>> ExistingAsync(IReadOnlyList<string> uids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT uid FROM videos WHERE {database.Dialect.In("uid", "@uids")}", new { uids = uids.ToArray() }, cancellationToken: cancellationToken));
        return found.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<string>> ListExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var uids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT uid FROM videos WHERE scheduled_deletion IS NOT NULL AND scheduled_deletion <= @now LIMIT 1000",
            new { now = UnixTime.To(now) }, cancellationToken: cancellationToken));
        return [.. uids];
    }

    internal sealed class VideoRow
    {
        public string Uid { get; set; } = "";
        public string AccountId { get; set; } = "";
        public string State { get; set; } = "";
        public double PctComplete { get; set; }
        public string? ErrorReasonCode { get; set; }
        public string? ErrorReasonText { get; set; }
        public double Duration { get; set; }
        public long Width { get; set; }
        public long Height { get; set; }
        public long Size { get; set; }
        public string Meta { get; set; } = "{}";
        public string? Name { get; set; }
        public string? Creator { get; set; }
        public long RequireSignedUrls { get; set; }
        public string AllowedOrigins { get; set; } = "[]";
        public double ThumbnailTimestampPct { get; set; }
        public long? ScheduledDeletion { get; set; }
        public long MaxDurationSeconds { get; set; }
        public string? SourceUrl { get; set; }
        public string? Media { get; set; }
        public long Created { get; set; }
        public long Modified { get; set; }
        public long? Uploaded { get; set; }
        public long? ReadyAt { get; set; }

        public static VideoRow From(Video v) => new()
        {
            Uid = v.Uid,
            AccountId = v.AccountId,
            State = v.State,
            PctComplete = v.PctComplete,
            ErrorReasonCode = v.ErrorReasonCode,
            ErrorReasonText = v.ErrorReasonText,
            Duration = v.Duration,
            Width = v.Width,
            Height = v.Height,
            Size = v.Size,
            Meta = v.Meta,
            Name = v.Name,
            Creator = v.Creator,
            RequireSignedUrls = v.RequireSignedUrls ? 1 : 0,
            AllowedOrigins = v.AllowedOrigins,
            ThumbnailTimestampPct = v.ThumbnailTimestampPct,
            ScheduledDeletion = UnixTime.To(v.ScheduledDeletion),
            MaxDurationSeconds = v.MaxDurationSeconds,
            SourceUrl = v.SourceUrl,
            Media = v.Media is null ? null : JsonSerializer.Serialize(v.Media, StoreJsonContext.Default.MediaInfo),
            Created = UnixTime.To(v.Created),
            Modified = UnixTime.To(v.Modified),
            Uploaded = UnixTime.To(v.Uploaded),
            ReadyAt = UnixTime.To(v.ReadyAt),
        };

        public Video ToVideo() => new()
        {
            Uid = Uid,
            AccountId = AccountId,
            State = State,
            PctComplete = PctComplete,
            ErrorReasonCode = ErrorReasonCode,
            ErrorReasonText = ErrorReasonText,
            Duration = Duration,
            Width = (int)Width,
            Height = (int)Height,
            Size = Size,
            Meta = Meta,
            Name = Name,
            Creator = Creator,
            RequireSignedUrls = RequireSignedUrls != 0,
            AllowedOrigins = AllowedOrigins,
            ThumbnailTimestampPct = ThumbnailTimestampPct,
            ScheduledDeletion = UnixTime.From(ScheduledDeletion),
            MaxDurationSeconds = (int)MaxDurationSeconds,
            SourceUrl = SourceUrl,
            Media = Media is null ? null : JsonSerializer.Deserialize(Media, StoreJsonContext.Default.MediaInfo),
            Created = UnixTime.From(Created),
            Modified = UnixTime.From(Modified),
            Uploaded = UnixTime.From(Uploaded),
            ReadyAt = UnixTime.From(ReadyAt),
        };
    }
}
