using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Downstream.Server.Tests.Support;

/// <summary>A thin test client for the API: raw status plus the parsed envelope.</summary>
public sealed class StreamApi(HttpClient http, string prefix = "/client/v4", string? token = ServerProcess.Token)
{
    public string Stream => $"{prefix}/accounts/{ServerProcess.AccountId}/stream";

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{method} {path}: not JSON ({response.StatusCode}): {text}");
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();
        AssertEnvelope(response.StatusCode, body, $"{method} {path}");
        return (response.StatusCode, body);
    }

    /// <summary>Every answer is the envelope; failures carry result null and codes of at least 1000.</summary>
    public static void AssertEnvelope(HttpStatusCode status, JsonElement body, string what)
    {
        Assert.True(body.TryGetProperty("success", out var success), $"{what}: no 'success'");
        Assert.True(body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array, $"{what}: no 'errors'");
        Assert.True(body.TryGetProperty("messages", out _), $"{what}: no 'messages'");
        Assert.True(body.TryGetProperty("result", out var result), $"{what}: no 'result'");
        var ok = (int)status is >= 200 and < 300;
        Assert.Equal(ok, success.GetBoolean());
        if (!ok)
        {
            Assert.Equal(JsonValueKind.Null, result.ValueKind);
            Assert.True(errors.GetArrayLength() >= 1, $"{what}: failure without errors");
            foreach (var error in errors.EnumerateArray())
            {
                Assert.True(error.GetProperty("code").GetInt32() >= 1000, $"{what}: error code below 1000");
                Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
            }
        }
    }

    /// <summary>Uploads the file and waits until the ingest job decided it (<c>ready</c> or <c>error</c>); the video then.</summary>
    public async Task<JsonElement> UploadAsync(string file, string? fileName = null)
    {
        var queued = await UploadQueuedAsync(file, fileName);
        return await WaitForVideoAsync(queued.GetProperty("uid").GetString()!);
    }

    /// <summary>Polls the video until it leaves the states of an upload being received and probed.</summary>
    public Task<JsonElement> WaitForVideoAsync(string uid, int seconds = 60) =>
        Poll.UntilAsync(
            async () =>
            {
                var (status, body) = await SendAsync(HttpMethod.Get, $"{Stream}/{uid}");
                Assert.Equal(HttpStatusCode.OK, status);
                return body.GetProperty("result");
            },
            video => video.GetProperty("status").GetProperty("state").GetString() is not ("queued" or "inprogress"),
            TimeSpan.FromSeconds(seconds), $"video {uid} to be ingested", 20);

    /// <summary>Uploads the file and returns the immediate answer (the video <c>queued</c>).</summary>
    public async Task<JsonElement> UploadQueuedAsync(string file, string? fileName = null)
    {
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(File.OpenRead(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", fileName ?? Path.GetFileName(file));
        var (status, body) = await SendAsync(HttpMethod.Post, Stream, form);
        Assert.True(status == HttpStatusCode.OK, $"upload failed: {status} {body}");
        return body.GetProperty("result");
    }

    public async Task<string> UploadReadyAsync(string file)
    {
        var video = await UploadAsync(file);
        Assert.Equal("ready", video.GetProperty("status").GetProperty("state").GetString());
        return video.GetProperty("uid").GetString()!;
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> GetDownloadsAsync(string uid) =>
        SendAsync(HttpMethod.Get, $"{Stream}/{uid}/downloads");

    public Task<(HttpStatusCode Status, JsonElement Body)> CreateDownloadAsync(string uid, string? type = null, HttpContent? body = null) =>
        SendAsync(HttpMethod.Post, type is null ? $"{Stream}/{uid}/downloads" : $"{Stream}/{uid}/downloads/{type}", body);

    /// <summary>Polls until the download leaves <c>inprogress</c>, recording each percentage seen.</summary>
    public async Task<JsonElement> WaitForDownloadAsync(string uid, string type, List<double>? percents = null, int seconds = 120)
    {
        var entry = await Poll.UntilAsync(
            async () =>
            {
                var (status, body) = await GetDownloadsAsync(uid);
                Assert.Equal(HttpStatusCode.OK, status);
                var item = body.GetProperty("result").GetProperty(type);
                percents?.Add(item.GetProperty("percentComplete").GetDouble());
                return item;
            },
            item => item.GetProperty("status").GetString() != "inprogress",
            TimeSpan.FromSeconds(seconds), $"the {type} download of {uid}", 50);
        return entry;
    }

    /// <summary>Reads <c>.../downloads/events</c> until its <c>done</c> event (or the deadline): each event's name and data.</summary>
    public async Task<List<(string Event, JsonElement Data)>> WatchDownloadsAsync(string uid, int seconds = 120)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Stream}/{uid}/downloads/events");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<(string, JsonElement)>();
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(body).EnumerateAsync(timeout.Token))
        {
            using var data = JsonDocument.Parse(item.Data);
            events.Add((item.EventType, data.RootElement.Clone()));
        }

        return events;
    }

    public static StringContent Json(string json, string? contentType = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        return content;
    }
}
