using System.Net;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>Copy from URL with the network rules on (the default): loopback in every spelling is refused and never contacted.</summary>
public sealed class NetworkRulesTests : IAsyncLifetime
{
    private readonly TempDir _data = new("downstream-network");
    private readonly MediaFiles _media = new();
    private ServerProcess _server = null!;

    public static TheoryData<string> LoopbackForms =>
    [
        "http://127.0.0.1:{port}/media/h264-aac.mp4",
        "http://localhost:{port}/media/h264-aac.mp4",
        "http://[::1]:{port}/media/h264-aac.mp4",
        "http://2130706433:{port}/media/h264-aac.mp4",
        "http://0177.0.0.1:{port}/media/h264-aac.mp4",
        "http://0x7f.0.0.1:{port}/media/h264-aac.mp4",
        "http://127.1:{port}/media/h264-aac.mp4",
        "http://0.0.0.0:{port}/media/h264-aac.mp4",
        "http://[::ffff:127.0.0.1]:{port}/media/h264-aac.mp4",
        "http://[::ffff:7f00:1]:{port}/media/h264-aac.mp4",
        "https://127.0.0.1:{port}/media/h264-aac.mp4",
    ];

    [Theory]
    [MemberData(nameof(LoopbackForms))]
    public async Task A_copy_from_loopback_is_400_and_the_origin_sees_nothing(string form)
    {
        await using var origin = await LoopbackOrigin.StartAsync(await _media.H264AacAsync());
        var port = new Uri(origin.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var api = new StreamApi(_server.Http);
        var (status, body) = await api.SendAsync(HttpMethod.Post, $"{api.Stream}/copy",
            StreamApi.Json(JsonSerializer.Serialize(new { url = form.Replace("{port}", port, StringComparison.Ordinal) })));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("public internet", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, origin.Requests);
        var (_, list) = await api.SendAsync(HttpMethod.Get, api.Stream);
        Assert.Equal(0, list.GetProperty("result").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(LoopbackForms))]
    public async Task A_webhook_to_loopback_is_400_and_the_receiver_sees_nothing(string form)
    {
        await using var receiver = WebhookReceiver.Start();
        var port = new Uri(receiver.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var api = new StreamApi(_server.Http);
        var (status, body) = await api.SendAsync(HttpMethod.Put, $"{api.Stream}/webhook",
            StreamApi.Json(JsonSerializer.Serialize(new { notificationUrl = form.Replace("{port}", port, StringComparison.Ordinal).Replace("/media/h264-aac.mp4", "/hooks", StringComparison.Ordinal) })));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("public internet", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(HttpMethod.Get, $"{api.Stream}/webhook")).Status);
        Assert.Empty(receiver.Received);
    }

    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string>
        {
            ["DOWNSTREAM_ALLOW_PRIVATE_NETWORKS"] = "false",
            ["Downstream__JobMaxAttempts"] = "1",
        });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _media.Dispose();
        _data.Dispose();
    }
}
