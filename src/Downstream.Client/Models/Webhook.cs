using System.Text.Json.Serialization;

namespace Downstream.Client.Models;

/// <summary>An account's webhook. <see cref="Secret"/> signs every delivery (<see cref="WebhookSignature"/>).</summary>
public sealed record Webhook
{
    [JsonPropertyName("notificationUrl")]
    public string? NotificationUrl { get; init; }

    [JsonPropertyName("modified")]
    public DateTimeOffset? Modified { get; init; }

    [JsonPropertyName("secret")]
    public string? Secret { get; init; }

    /// <summary>Downstream's addition: download events are sent too.</summary>
    [JsonPropertyName("downloadEvents")]
    public bool? DownloadEvents { get; init; }
}

/// <summary>Sets the account's one webhook; a new secret comes back each time.</summary>
public sealed record WebhookUpdateParams : AccountParams
{
    public required string NotificationUrl { get; init; }

    /// <summary>Also send <c>download.ready</c> and <c>download.error</c> (Downstream only; Cloudflare ignores it).</summary>
    public bool? DownloadEvents { get; init; }
}

public sealed record WebhookGetParams : AccountParams;

public sealed record WebhookDeleteParams : AccountParams;
