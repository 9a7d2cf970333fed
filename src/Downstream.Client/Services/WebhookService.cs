using System.Text.Json;
using System.Text.Json.Nodes;
using Downstream.Client.Core;
using Downstream.Client.Models;

namespace Downstream.Client.Services;

/// <summary>The account's webhook: <c>client.Stream.Webhooks</c>.</summary>
public sealed class WebhookService
{
    private readonly ApiTransport _transport;

    internal WebhookService(ApiTransport transport) => _transport = transport;

    public Task<Webhook> Update(WebhookUpdateParams parameters, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["notificationUrl"] = parameters.NotificationUrl };
        if (parameters.DownloadEvents is { } downloads)
        {
            body["downloadEvents"] = downloads;
        }

        var json = JsonSerializer.SerializeToElement(body, JsonNodeContext.Default.JsonObject);
        return _transport.SendAsync(HttpMethod.Put, $"{Paths.Stream(parameters.AccountId)}/webhook", () => ApiTransport.Json(json),
            ClientJsonContext.Default.Webhook, cancellationToken);
    }

    public Task<Webhook> Get(WebhookGetParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, $"{Paths.Stream(parameters.AccountId)}/webhook", null, ClientJsonContext.Default.Webhook, cancellationToken);

    /// <summary>Removes the webhook; returns the server's <c>"ok"</c>.</summary>
    public Task<string> Delete(WebhookDeleteParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Delete, $"{Paths.Stream(parameters.AccountId)}/webhook", null, ClientJsonContext.Default.String, cancellationToken);
}
