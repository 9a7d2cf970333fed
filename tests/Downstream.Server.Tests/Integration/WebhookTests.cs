using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>Webhooks: the management routes, signed deliveries of video and download events, and no event lost.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private readonly TempDir _data = new("downstream-webhooks");
    private readonly MediaFiles _media = new();
    private ServerProcess _server = null!;

    private StreamApi Api => new(_server.Http);

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data.Path);

    private async Task<JsonElement> PutAsync(JsonObject body)
    {
        var (status, answer) = await Api.SendAsync(HttpMethod.Put, $"{Api.Stream}/webhook", StreamApi.Json(body.ToJsonString()));
        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        return answer.GetProperty("result");
    }

    /// <summary>Checks the signature as Cloudflare's docs tell receivers to, and returns the parsed body.</summary>
    private static JsonElement Verified(WebhookReceiver.Delivery delivery, string secret)
    {
        var parts = delivery.Headers["Webhook-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var time = long.Parse(parts["time"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - time, -5, 300);
        byte[] message = [.. Encoding.UTF8.GetBytes($"{time}."), .. delivery.Body];
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["sig1"])), "the signature does not match");
        Assert.Equal("application/json", delivery.Headers["Content-Type"].Split(';')[0]);
        Assert.Matches("^[0-9a-f]{32}$", delivery.Headers["Webhook-Id"]);
        return JsonDocument.Parse(delivery.Body).RootElement.Clone();
    }

    private static Task<WebhookReceiver.Delivery> DeliveredAsync(WebhookReceiver receiver, string eventName, string uid, int seconds = 60) =>
        Poll.UntilAsync(
            () => Task.FromResult(receiver.Received.FirstOrDefault(d => d.Answered == HttpStatusCode.OK && d.Headers.GetValueOrDefault("Webhook-Event") == eventName && d.Text.Contains(uid, StringComparison.Ordinal))),
            d => d is not null, TimeSpan.FromSeconds(seconds), $"the {eventName} event of {uid}")!;

    [Fact]
    public async Task Put_get_and_delete_one_webhook_per_account_with_a_new_secret_each_time()
    {
        await using var receiver = WebhookReceiver.Start();
        var first = await PutAsync(new JsonObject { ["notificationUrl"] = receiver.Url });
        Assert.Equal(receiver.Url, first.GetProperty("notificationUrl").GetString());
        Assert.Equal(receiver.Url, first.GetProperty("notification_url").GetString());
        Assert.Matches("^[0-9a-f]{32}$", first.GetProperty("secret").GetString());
        Assert.False(first.GetProperty("downloadEvents").GetBoolean());
        Assert.True(DateTimeOffset.TryParse(first.GetProperty("modified").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));

        var second = await PutAsync(new JsonObject { ["notification_url"] = receiver.Url, ["downloadEvents"] = true });
        Assert.NotEqual(first.GetProperty("secret").GetString(), second.GetProperty("secret").GetString());
        Assert.True(second.GetProperty("downloadEvents").GetBoolean());
        var (_, got) = await Api.SendAsync(HttpMethod.Get, $"{Api.Stream}/webhook");
        Assert.Equal(second.GetRawText(), got.GetProperty("result").GetRawText());

        foreach (var bad in (string[])["{}", "{\"notificationUrl\":\"ftp://example.com/x\"}", "{\"notificationUrl\":\"not a url\"}", $"{{\"notificationUrl\":\"{receiver.Url}\",\"downloadEvents\":\"yes\"}}"])
        {
            var (status, _) = await Api.SendAsync(HttpMethod.Put, $"{Api.Stream}/webhook", StreamApi.Json(bad));
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }

        var (deleted, answer) = await Api.SendAsync(HttpMethod.Delete, $"{Api.Stream}/webhook");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("ok", answer.GetProperty("result").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.SendAsync(HttpMethod.Get, $"{Api.Stream}/webhook")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.SendAsync(HttpMethod.Delete, $"{Api.Stream}/webhook")).Status);
    }

    [Fact]
    public async Task Video_and_download_events_are_signed_and_carry_what_get_returns()
    {
        await using var receiver = WebhookReceiver.Start();
        var secret = (await PutAsync(new JsonObject { ["notificationUrl"] = receiver.Url, ["downloadEvents"] = true })).GetProperty("secret").GetString()!;
        var uid = (await Api.UploadAsync(await _media.H264AacAsync())).GetProperty("uid").GetString()!;

        var ready = Verified(await DeliveredAsync(receiver, "video.ready", uid), secret);
        var (_, video) = await Api.SendAsync(HttpMethod.Get, $"{Api.Stream}/{uid}");
        Assert.Equal(video.GetProperty("result").GetRawText(), ready.GetRawText());

        await Api.CreateDownloadAsync(uid, "audio");
        var download = Verified(await DeliveredAsync(receiver, "download.ready", uid), secret);
        Assert.Equal(uid, download.GetProperty("uid").GetString());
        Assert.Equal("audio", download.GetProperty("downloadType").GetString());
        var (_, downloads) = await Api.GetDownloadsAsync(uid);
        Assert.Equal(downloads.GetProperty("result").GetProperty("audio").GetRawText(), download.GetProperty("download").GetRawText());

        var bad = (await Api.UploadAsync(await _media.TextAsync())).GetProperty("uid").GetString()!;
        var failed = Verified(await DeliveredAsync(receiver, "video.error", bad), secret);
        Assert.Equal("error", failed.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("ERR_NON_VIDEO", failed.GetProperty("status").GetProperty("errorReasonCode").GetString());
    }

    [Fact]
    public async Task Download_events_are_sent_only_when_asked_for()
    {
        await using var receiver = WebhookReceiver.Start();
        await PutAsync(new JsonObject { ["notificationUrl"] = receiver.Url });
        var uid = (await Api.UploadAsync(await _media.H264AacAsync())).GetProperty("uid").GetString()!;
        await DeliveredAsync(receiver, "video.ready", uid);
        await Api.CreateDownloadAsync(uid, "audio");
        await Api.WaitForDownloadAsync(uid, "audio");

        // A video event sent after the download finished proves the dispatcher ran past it.
        var other = (await Api.UploadAsync(await _media.SilentAsync())).GetProperty("uid").GetString()!;
        await DeliveredAsync(receiver, "video.ready", other);
        Assert.DoesNotContain(receiver.Received, d => d.Headers.GetValueOrDefault("Webhook-Event")?.StartsWith("download.", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_receiver_that_fails_or_is_down_gets_the_event_later_with_the_same_id()
    {
        await using var receiver = WebhookReceiver.Start();
        var secret = (await PutAsync(new JsonObject { ["notificationUrl"] = receiver.Url })).GetProperty("secret").GetString()!;
        receiver.Status = HttpStatusCode.ServiceUnavailable;
        var uid = (await Api.UploadAsync(await _media.H264AacAsync())).GetProperty("uid").GetString()!;
        await Poll.UntilAsync(() => Task.FromResult(receiver.Received.Count(d => d.Answered == HttpStatusCode.ServiceUnavailable)), n => n >= 2,
            TimeSpan.FromSeconds(30), "two refused attempts");

        // Down altogether for a while, then back.
        await receiver.StopAsync();
        var before = receiver.Received.Count;
        receiver.Status = HttpStatusCode.OK;
        receiver.Resume();
        var delivered = await DeliveredAsync(receiver, "video.ready", uid);
        Verified(delivered, secret);
        Assert.All(receiver.Received, d => Assert.Equal(delivered.Headers["Webhook-Id"], d.Headers["Webhook-Id"]));
        Assert.True(receiver.Received.Count >= before + 1);

        // Operators see both the failures and the delivery.
        var metrics = await Metrics.ScrapeAsync(_server.Http);
        Assert.True(metrics.Sum("downstream_webhook_deliveries_total", ("outcome", "failed")) >= 2);
        Assert.True(metrics.Sum("downstream_webhook_deliveries_total", ("outcome", "delivered")) >= 1);
    }

    [Fact]
    public async Task Events_pending_when_the_server_is_killed_are_delivered_after_it_restarts()
    {
        await using var receiver = WebhookReceiver.Start();
        var secret = (await PutAsync(new JsonObject { ["notificationUrl"] = receiver.Url })).GetProperty("secret").GetString()!;
        await receiver.StopAsync();
        var uid = (await Api.UploadAsync(await _media.H264AacAsync())).GetProperty("uid").GetString()!;

        await _server.KillAsync();
        await _server.DisposeAsync();
        _server = await ServerProcess.StartAsync(_data.Path);
        receiver.Resume();
        Verified(await DeliveredAsync(receiver, "video.ready", uid, seconds: 90), secret);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _media.Dispose();
        _data.Dispose();
    }
}
