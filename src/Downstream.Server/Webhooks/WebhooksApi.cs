using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Downstream.Server.Api;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Downstream.Server.Webhooks;

/// <summary>A webhook as the API shows it; both spellings of the URL, as Cloudflare's schema has them.</summary>
public sealed record WebhookDto(
    [property: JsonPropertyName("notificationUrl")] string NotificationUrl,
    [property: JsonPropertyName("notification_url")] string NotificationUrlSnake,
    [property: JsonPropertyName("modified")] string Modified,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("downloadEvents")] bool DownloadEvents)
{
    public static WebhookDto From(Webhook webhook) => new(
        webhook.NotificationUrl, webhook.NotificationUrl,
        webhook.Modified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), webhook.Secret, webhook.DownloadEvents);
}

/// <summary>
/// <c>PUT|GET|DELETE .../stream/webhook</c>: one webhook per account. Each PUT makes a new secret (32 hex), as
/// Cloudflare's does; <c>downloadEvents: true</c> (Downstream's) adds events for downloads.
/// </summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder stream)
    {
        var webhook = stream.MapGroup("/webhook").WithTags("Stream Webhook");
        webhook.MapPut("", Put).WithSummary("Create webhooks").WithRequestBody<WebhookRequest>("application/json").ProducesErrors();
        webhook.MapGet("", Get).WithSummary("View webhooks").ProducesErrors();
        webhook.MapDelete("", Delete).WithSummary("Delete webhooks").ProducesErrors();
        return stream;
    }

    public static async Task<Ok<Envelope<WebhookDto>>> Put(
        [FromRoute(Name = "account_id")] string accountId, HttpRequest request, IWebhookStore webhooks, Network.OutboundPolicy outbound,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (await JsonBody.ReadObjectAsync(request, cancellationToken) is not { } body)
        {
            throw ApiErrors.BadRequest("The request body must be JSON with the field 'notificationUrl'.");
        }

        var text = Field(body, "notificationUrl") ?? Field(body, "notification_url")
            ?? throw ApiErrors.InvalidParameter("notificationUrl", null, "is required: the http or https URL events are sent to");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || text.Length > 2048)
        {
            throw ApiErrors.InvalidParameter("notificationUrl", text, "must be an absolute http or https URL");
        }

        var downloadEvents = body.TryGetProperty("downloadEvents", out var flag) && flag.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw ApiErrors.InvalidParameter("downloadEvents", flag.GetRawText(), "must be true or false"),
        };
        try
        {
            await outbound.CheckBeforeFetchAsync(url, cancellationToken);
        }
        catch (Network.OutboundRefusedException ex)
        {
            throw ApiErrors.InvalidParameter("notificationUrl", text, $"cannot receive events: {ex.Message}");
        }

        // Kept to the millisecond, as stored, so GET answers exactly what PUT did.
        var modified = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var webhook = new Webhook(accountId, url.AbsoluteUri, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), downloadEvents, modified);
        await webhooks.PutAsync(webhook, cancellationToken);
        return TypedResults.Ok(Envelope.Ok(WebhookDto.From(webhook)));
    }

    public static async Task<Ok<Envelope<WebhookDto>>> Get([FromRoute(Name = "account_id")] string accountId, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        await webhooks.GetAsync(accountId, cancellationToken) is { } webhook
            ? TypedResults.Ok(Envelope.Ok(WebhookDto.From(webhook)))
            : throw ApiErrors.NotFound("This account has no webhook.");

    public static async Task<Ok<Envelope<string>>> Delete([FromRoute(Name = "account_id")] string accountId, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        await webhooks.DeleteAsync(accountId, cancellationToken)
            ? TypedResults.Ok(Envelope.Ok("ok"))
            : throw ApiErrors.NotFound("This account has no webhook.");

    private static string? Field(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
