namespace Downstream.Server.Storage;

/// <summary>An account's webhook: where events go, the secret that signs them, and whether download events are wanted.</summary>
public sealed record Webhook(string AccountId, string NotificationUrl, string Secret, bool DownloadEvents, DateTimeOffset Modified);

/// <summary>One event in the outbox, as claimed for a delivery attempt.</summary>
public sealed record WebhookEvent(string Id, string AccountId, string Event, string VideoUid, string Payload, DateTimeOffset Created, int Attempts);

/// <summary>
/// Webhooks (one per account) and the outbox of their events. Events are added by the stores that change a video's
/// or a download's state, in the same transaction (<see cref="Sql.WebhookOutbox"/>), so none is lost to a crash.
/// </summary>
public interface IWebhookStore
{
    Task<Webhook?> GetAsync(string accountId, CancellationToken cancellationToken);

    Task PutAsync(Webhook webhook, CancellationToken cancellationToken);

    /// <summary>False when the account had none.</summary>
    Task<bool> DeleteAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Takes up to <paramref name="limit"/> undelivered events that are due, each for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<WebhookEvent>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken);

    Task DeliveredAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt; the event is tried again at <paramref name="nextAttempt"/>, or never when null (given up).</summary>
    Task FailedAsync(string eventId, DateTimeOffset? nextAttempt, string reason, CancellationToken cancellationToken);
}
