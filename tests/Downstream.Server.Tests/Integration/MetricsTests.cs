using System.Net;
using System.Text.Json;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary><c>/metrics</c> for operators, and the JSON console log for log shippers.</summary>
[Collection(ServerCollection.Name)]
public sealed class MetricsTests(ServerFixture fixture)
{
    private readonly StreamApi _api = fixture.Api;

    [Fact]
    public async Task Requests_jobs_ffmpeg_speed_and_bytes_in_and_out_are_counted()
    {
        var before = await Metrics.ScrapeAsync(fixture.Server.Http);
        var file = await fixture.Media.LongAsync(20);
        var uid = await _api.UploadReadyAsync(file);
        await _api.CreateDownloadAsync(uid);
        await _api.WaitForDownloadAsync(uid, "default");
        var mp4 = await fixture.Server.Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4");
        using (var range = new HttpRequestMessage(HttpMethod.Get, $"/{uid}/downloads/default.mp4"))
        {
            range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 999);
            using var partial = await fixture.Server.Http.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        }

        using (var head = new HttpRequestMessage(HttpMethod.Head, $"/{uid}/downloads/default.mp4"))
        {
            (await fixture.Server.Http.SendAsync(head)).Dispose();
        }

        // The job's own count is written as the job ends, just after its download is.
        var after = await Poll.UntilAsync(() => Metrics.ScrapeAsync(fixture.Server.Http),
            m => Grew(before, m, "downstream_job_duration_seconds_count", ("kind", "download"), ("outcome", "ok")) >= 1, TimeSpan.FromSeconds(10), "the download job counted");

        // Other tests share the server: every count here only grows by at least what this test did.
        Assert.True(Grew(before, after, "downstream_upload_bytes_total") >= new FileInfo(file).Length);
        Assert.True(Grew(before, after, "downstream_delivery_bytes_total", ("file", "default.mp4")) >= mp4.Length + 1000);
        Assert.True(Grew(before, after, "downstream_ffmpeg_speed_count", ("type", "default")) >= 1);
        Assert.True(after.Sum("downstream_ffmpeg_speed_sum", ("type", "default")) > 0);
        Assert.True(Grew(before, after, "downstream_job_duration_seconds_count", ("kind", "download"), ("outcome", "ok")) >= 1);
        Assert.True(Grew(before, after, "http_server_request_duration_seconds_count",
            ("http_route", "/client/v4/accounts/{account_id}/stream/{identifier}/downloads/"), ("http_request_method", "POST")) >= 1);
        Assert.True(after.Has("http_server_request_duration_seconds_bucket"), "no request latency histogram");

        // The queue gauge has every kind and state from the start.
        foreach (var kind in (string[])["ingest", "download", "copy"])
        {
            foreach (var state in (string[])["queued", "running", "waiting"])
            {
                Assert.Contains(after.Samples, s => s.Name == "downstream_jobs" && s.Labels["kind"] == kind && s.Labels["state"] == state);
            }
        }
    }

    [Fact]
    public async Task A_job_that_ends_in_error_is_counted_by_its_reason()
    {
        var before = await Metrics.ScrapeAsync(fixture.Server.Http);
        var uid = (await _api.UploadQueuedAsync(await fixture.Media.TextAsync())).GetProperty("uid").GetString()!;
        var video = await _api.WaitForVideoAsync(uid);
        Assert.Equal("error", video.GetProperty("status").GetProperty("state").GetString());
        var reason = video.GetProperty("status").GetProperty("errorReasonCode").GetString()!;
        var after = await Metrics.ScrapeAsync(fixture.Server.Http);
        Assert.True(Grew(before, after, "downstream_jobs_failed_total", ("kind", "ingest"), ("reason", reason)) >= 1, $"{reason} not counted: " + string.Join("\n", after.Text.Split((char)10).Where(l => l.Contains("failed", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Metrics_can_be_turned_off_and_logs_can_be_json_lines()
    {
        using var data = new TempDir();
        await using var server = await ServerProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["DOWNSTREAM_METRICS"] = "false",
            ["DOWNSTREAM_LOG_FORMAT"] = "json",
        });
        var (status, body) = await new StreamApi(server.Http).SendAsync(HttpMethod.Get, "/metrics");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(7003, body.GetProperty("errors")[0].GetProperty("code").GetInt32());
        await new StreamApi(server.Http).UploadReadyAsync(await fixture.Media.H264AacAsync());

        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains("Downstream listening on", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("Timestamp", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
        }
    }

    private static double Grew(Metrics before, Metrics after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);
}
