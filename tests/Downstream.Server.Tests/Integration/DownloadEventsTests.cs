using System.Net;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>The live progress stream of downloads (Server-Sent Events).</summary>
[Collection(ServerCollection.Name)]
public sealed class DownloadEventsTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    [Fact]
    public async Task The_stream_sends_the_map_then_each_change_then_done_when_all_are_settled()
    {
        var uid = await _api.UploadReadyAsync(await fixture.Media.LongAsync(60));
        await _api.CreateDownloadAsync(uid);
        await _api.CreateDownloadAsync(uid, "audio");
        var events = await _api.WatchDownloadsAsync(uid);

        Assert.Equal("downloads", events[0].Event);
        Assert.Equal("done", events[^1].Event);
        Assert.Single(events, e => e.Event == "done");
        var percents = events.Select(e => e.Data.GetProperty("default").GetProperty("percentComplete").GetDouble()).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.True(events.Count >= 3, $"only {events.Count} events: no progress was streamed");
        foreach (var type in (string[])["default", "audio"])
        {
            Assert.Equal("ready", events[^1].Data.GetProperty(type).GetProperty("status").GetString());
        }

        // The last event is what GET .../downloads answers; consecutive events always differ.
        var (_, now) = await _api.GetDownloadsAsync(uid);
        Assert.Equal(now.GetProperty("result").GetRawText(), events[^1].Data.GetRawText());
        for (var i = 1; i < events.Count - 1; i++)
        {
            Assert.NotEqual(events[i - 1].Data.GetRawText(), events[i].Data.GetRawText());
        }

        // The entries explain themselves: how each was made, time left while it ran, and the file's own facts.
        var running = events.Select(e => e.Data.GetProperty("default")).Where(d => d.GetProperty("status").GetString() == "inprogress" && d.TryGetProperty("etaSeconds", out _)).ToList();
        Assert.NotEmpty(running);
        Assert.True(running[^1].GetProperty("etaSeconds").GetDouble() <= running[0].GetProperty("etaSeconds").GetDouble(), "the ETA did not come down");
        Assert.All(running, d => Assert.Equal("transcode", d.GetProperty("mode").GetString()));
        foreach (var (type, file) in new[] { ("default", "default.mp4"), ("audio", "audio.m4a") })
        {
            var entry = events[^1].Data.GetProperty(type);
            var bytes = await fixture.Server.Http.GetByteArrayAsync($"/{uid}/downloads/{file}");
            Assert.Equal(bytes.Length, entry.GetProperty("size").GetInt64());
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), entry.GetProperty("sha256").GetString());
            Assert.False(entry.TryGetProperty("etaSeconds", out _));
            Assert.False(entry.TryGetProperty("errorReasonCode", out _));
            var created = DateTimeOffset.Parse(entry.GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var readyAt = DateTimeOffset.Parse(entry.GetProperty("readyAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(readyAt >= created, $"{type}: ready {readyAt:O} before created {created:O}");
        }

        // A stream opened once all is settled says so at once.
        var again = await _api.WatchDownloadsAsync(uid, seconds: 10);
        Assert.Equal("done", Assert.Single(again).Event);
    }

    [Fact]
    public async Task Unknown_videos_are_404_in_the_envelope_and_a_read_only_token_may_watch()
    {
        var (status, body) = await _api.SendAsync(HttpMethod.Get, $"{_api.Stream}/0123456789abcdef0123456789abcdef/downloads/events");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(10003, body.GetProperty("errors")[0].GetProperty("code").GetInt32());

        var uid = await _api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        await _api.CreateDownloadAsync(uid, "audio");
        var (_, readToken) = await TokensCli.CreateAsync(fixture.Server.DataDir, readOnly: true);
        var events = await new StreamApi(fixture.Server.Http, token: readToken).WatchDownloadsAsync(uid);
        Assert.Equal("ready", events[^1].Data.GetProperty("audio").GetProperty("status").GetString());
    }
}
