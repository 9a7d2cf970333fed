using System.Text;
using Downstream.Server.Hosting;
using Downstream.Server.Storage;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Webhooks;

/// <summary>
/// Delivers the outbox: each due event is POSTed, signed, to its account's current webhook URL under the outbound
/// network rules of copy from URL. Any 2xx is delivered; anything else (a 5xx, a timeout, a refused connection)
/// is tried again with exponential backoff from 1 s up to an hour between attempts, for 24 hours. Events are
/// claimed with a lease, so nodes share the work and a killed node's events are sent by the next to look.
/// </summary>
public sealed class WebhookDispatcher(
    IWebhookStore store, IHttpClientFactory clients, IOptions<DownstreamOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger,
    Hosting.Metrics.DownstreamMetrics? metrics = null)
    : BackgroundService
{
    public const string HttpClientName = "webhooks";
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await store.ClaimDueAsync(time.GetUtcNow(), Lease, 16, stoppingToken);
                await Task.WhenAll(due.Select(e => DeliverAsync(e, stoppingToken)));
                if (due.Count == 0)
                {
                    await Task.Delay(options.Value.JobPollInterval, time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Webhook dispatch loop error");
                await Task.Delay(options.Value.JobPollInterval, time, CancellationToken.None);
            }
        }
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: 1 s, 2 s, 4 s, ... at most an hour.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(3600, Math.Pow(2, Math.Max(0, attempt - 1))));

    private async Task DeliverAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var webhook = await store.GetAsync(webhookEvent.AccountId, cancellationToken);
        if (webhook is null)
        {
            await store.FailedAsync(webhookEvent.Id, null, "The account's webhook was deleted.", CancellationToken.None);
            return;
        }

        string error;
        try
        {
            var body = Encoding.UTF8.GetBytes(webhookEvent.Payload);
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.NotificationUrl) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.TryAddWithoutValidation("Webhook-Signature", WebhookSignature.Header(webhook.Secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
            request.Headers.TryAddWithoutValidation("Webhook-Id", webhookEvent.Id);
            request.Headers.TryAddWithoutValidation("Webhook-Event", webhookEvent.Event);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AttemptTimeout);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                await store.DeliveredAsync(webhookEvent.Id, time.GetUtcNow(), CancellationToken.None);
                metrics?.Webhook("delivered");
                logger.LogInformation("Webhook {Event} {EventId} for video {Uid} delivered", webhookEvent.Event, webhookEvent.Id, webhookEvent.VideoUid);
                return;
            }

            error = $"The receiver answered {(int)response.StatusCode}.";
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or Network.OutboundRefusedException or IOException)
        {
            error = ex is OperationCanceledException ? $"No answer within {AttemptTimeout.TotalSeconds:0} s." : ex.Message;
        }

        var next = time.GetUtcNow() + Backoff(webhookEvent.Attempts);
        var giveUp = next - webhookEvent.Created > GiveUpAfter;
        logger.LogWarning("Webhook {Event} {EventId} attempt {Attempt} failed: {Error}{Retry}", webhookEvent.Event, webhookEvent.Id, webhookEvent.Attempts, error,
            giveUp ? "; given up" : $"; next at {next:O}");
        await store.FailedAsync(webhookEvent.Id, giveUp ? null : next, error, CancellationToken.None);
        metrics?.Webhook(giveUp ? "gave_up" : "failed");
    }
}
