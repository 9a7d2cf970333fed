using System.Net;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>Copies that take their time: edits made meanwhile survive, and downloads do not wait for them.</summary>
public sealed class CopyRaceTests : IAsyncLifetime
{
    private readonly TempDir _data = new("downstream-copyrace");
    private readonly MediaFiles _media = new();
    private ServerProcess _server = null!;

    [Fact]
    public async Task An_edit_made_while_the_copy_downloads_survives_it()
    {
        await using var origin = new GatedOrigin(await _media.H264AacAsync());
        var api = new StreamApi(_server.Http);
        var (_, created) = await api.SendAsync(HttpMethod.Post, $"{api.Stream}/copy", StreamApi.Json(JsonSerializer.Serialize(new { url = origin.Url })));
        var uid = created.GetProperty("result").GetProperty("uid").GetString()!;
        await origin.Started.WaitAsync(TimeSpan.FromSeconds(30));

        var (edited, _) = await api.SendAsync(HttpMethod.Post, $"{api.Stream}/{uid}",
            StreamApi.Json("""{"requireSignedURLs": true, "meta": {"name": "kept private"}}"""));
        Assert.Equal(HttpStatusCode.OK, edited);
        origin.Open();

        var video = await Poll.UntilAsync(
            async () => (await api.SendAsync(HttpMethod.Get, $"{api.Stream}/{uid}")).Body.GetProperty("result"),
            v => v.GetProperty("status").GetProperty("state").GetString() != "downloading",
            TimeSpan.FromSeconds(60), "the copy to finish");
        Assert.Equal("ready", video.GetProperty("status").GetProperty("state").GetString());
        Assert.True(video.GetProperty("requireSignedURLs").GetBoolean(), "the copy undid requireSignedURLs");
        Assert.Equal("kept private", video.GetProperty("meta").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_stalled_copy_holds_no_download_up_and_fails_plainly_once_its_idle_time_runs_out()
    {
        await using var stalled = FixedAnswerOrigin.Stalled();
        var api = new StreamApi(_server.Http);
        var (_, created) = await api.SendAsync(HttpMethod.Post, $"{api.Stream}/copy", StreamApi.Json(JsonSerializer.Serialize(new { url = stalled.Url })));
        var copy = created.GetProperty("result").GetProperty("uid").GetString()!;
        await Poll.UntilAsync(() => Task.FromResult(stalled.Connections), n => n > 0, TimeSpan.FromSeconds(30), "the copy to connect");

        // One download loop only: it must still be free while the copy waits on its origin.
        var uid = await api.UploadReadyAsync(await _media.H264AacAsync());
        await api.CreateDownloadAsync(uid);
        Assert.Equal("ready", (await api.WaitForDownloadAsync(uid, "default", seconds: 60)).GetProperty("status").GetString());

        var status = await Poll.UntilAsync(
            async () => (await api.SendAsync(HttpMethod.Get, $"{api.Stream}/{copy}")).Body.GetProperty("result").GetProperty("status"),
            s => s.GetProperty("state").GetString() == "error", TimeSpan.FromSeconds(60), "the stalled copy to give up");
        Assert.Equal("ERR_FETCH_ORIGIN_ERROR", status.GetProperty("errorReasonCode").GetString());
        var text = status.GetProperty("errorReasonText").GetString()!;
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(stalled.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string>
        {
            ["DOWNSTREAM_WORKER_CONCURRENCY"] = "1",
            ["DOWNSTREAM_COPY_CONCURRENCY"] = "1",
            ["Downstream__CopyIdleTimeout"] = "00:00:05",
            ["Downstream__JobMaxAttempts"] = "1",
        });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _media.Dispose();
        _data.Dispose();
    }
}
