using Dapper;

namespace Downstream.Server.Storage.Sql;

public sealed class SqlWebhookStore(ISqlDatabase database) : IWebhookStore
{
    public async Task<Webhook?> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string NotificationUrl, string Secret, long DownloadEvents, long Modified)>(new CommandDefinition(
            "SELECT notification_url, secret, download_events, modified FROM webhooks WHERE account_id = @accountId",
            new { accountId }, cancellationToken: cancellationToken));
        return row.NotificationUrl is null ? null : new Webhook(accountId, row.NotificationUrl, row.Secret, row.DownloadEvents == 1, UnixTime.From(row.Modified));
    }

    public async Task PutAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO webhooks (account_id, notification_url, secret, download_events, modified)
            VALUES (@AccountId, @NotificationUrl, @Secret, @downloadEvents, @modified)
            ON CONFLICT (account_id) DO UPDATE SET notification_url = excluded.notification_url, secret = excluded.secret,
                download_events = excluded.download_events, modified = excluded.modified
            """, new { webhook.AccountId, webhook.NotificationUrl, webhook.Secret, downloadEvents = webhook.DownloadEvents ? 1 : 0, modified = UnixTime.To(webhook.Modified) },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM webhooks WHERE account_id = @accountId", new { accountId }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<WebhookEvent>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string AccountId, string Event, string VideoUid, string Payload, long Created, long Attempts)>(new CommandDefinition($"""
            UPDATE webhook_events SET lease_until = @until, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM webhook_events
                WHERE delivered IS NULL AND next_attempt <= @now AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY next_attempt LIMIT @limit {database.Dialect.SkipLocked})
            RETURNING id, account_id, event, video_uid, payload, created, attempts
            """, new { now = UnixTime.To(now), until = UnixTime.To(now + lease), limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new WebhookEvent(r.Id, r.AccountId, r.Event, r.VideoUid, r.Payload, UnixTime.From(r.Created), (int)r.Attempts))];
    }

    public async Task DeliveredAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_events SET delivered = @now, lease_until = NULL, last_error = NULL WHERE id = @eventId",
            new { eventId, now = UnixTime.To(now) }, cancellationToken: cancellationToken));
    }

    public async Task FailedAsync(string eventId, DateTimeOffset? nextAttempt, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);

        // Given up: kept, marked delivered at -1, so it is never claimed again and can be looked at.
        await connection.ExecuteAsync(new CommandDefinition(
            nextAttempt is null
                ? "UPDATE webhook_events SET delivered = -1, lease_until = NULL, last_error = @error WHERE id = @eventId"
                : "UPDATE webhook_events SET next_attempt = @next, lease_until = NULL, last_error = @error WHERE id = @eventId",
            new { eventId, next = nextAttempt is { } n ? UnixTime.To(n) : 0, error = reason.Length > 500 ? reason[..500] : reason }, cancellationToken: cancellationToken));
    }
}
