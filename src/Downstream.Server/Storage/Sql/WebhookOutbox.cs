using System.Data.Common;
using Dapper;
using Downstream.Server.Api;

namespace Downstream.Server.Storage.Sql;

/// <summary>
/// Adds webhook events inside the transaction of the state change they tell of, for accounts that have a webhook
/// (and, for download events, asked for them). The payload is made only when such a webhook exists.
/// </summary>
public sealed class WebhookOutbox(Webhooks.WebhookPayloads payloads, TimeProvider time)
{
    public Webhooks.WebhookPayloads Payloads => payloads;

    public async Task AddAsync(
        DbConnection connection, DbTransaction transaction, string accountId, string eventName, string videoUid, bool downloadEvent,
        Func<Task<string>> payload, CancellationToken cancellationToken)
    {
        var wanted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM webhooks WHERE account_id = @accountId AND (@downloadEvent = 0 OR download_events = 1)",
            new { accountId, downloadEvent = downloadEvent ? 1 : 0 }, transaction, cancellationToken: cancellationToken));
        if (wanted == 0)
        {
            return;
        }

        var now = UnixTime.To(time.GetUtcNow());
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO webhook_events (id, account_id, event, video_uid, payload, created, attempts, next_attempt)
            VALUES (@id, @accountId, @eventName, @videoUid, @payload, @now, 0, @now)
            """, new { id = Ids.New(), accountId, eventName, videoUid, payload = await payload(), now }, transaction, cancellationToken: cancellationToken));
    }
}
