using System.Net;
using Downstream.Client.Exceptions;
using Downstream.Client.Models;
using static Downstream.Client.Tests.Unit.FakeHandler;

namespace Downstream.Client.Tests.Unit;

/// <summary>Requests that create videos are not repeated when they may have been carried out; options keep secrets to themselves; files arrive whole.</summary>
public sealed class CreatingRequestsTests
{
    private const string Account = "023e105f4ecef8ad9ca31a8372d0c353";
    private const string VideoJson = """{"result":{"uid":"ea95132c15732412d22c1476fa83f27a","status":{"state":"downloading"}},"success":true,"errors":[],"messages":[]}""";
    private const string Busy = """{"result":null,"success":false,"errors":[{"code":10012,"message":"busy"}],"messages":[]}""";

    private static (CloudflareClient Client, FakeHandler Handler) Make(params Func<HttpRequestMessage, HttpResponseMessage>[] answers)
    {
        var handler = new FakeHandler(answers);
        return (new CloudflareClient(new ClientOptions { ApiToken = "t", BaseUrl = "http://api.test/client/v4" }, new HttpClient(handler), new InstantTime()), handler);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_copy_answered_with_a_5xx_is_not_sent_again(HttpStatusCode status)
    {
        var (client, handler) = Make(_ => Json(status, Busy), _ => Json(HttpStatusCode.OK, VideoJson));
        await Assert.ThrowsAnyAsync<CloudflareException>(() => client.Stream.Copy(new VideoCopyParams { AccountId = Account, Url = "https://example.com/a.mp4" }));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_copy_refused_with_429_is_sent_again()
    {
        var (client, handler) = Make(_ => Json(HttpStatusCode.TooManyRequests, Busy, ("Retry-After", "1")), _ => Json(HttpStatusCode.OK, VideoJson));
        var video = await client.Stream.Copy(new VideoCopyParams { AccountId = Account, Url = "https://example.com/a.mp4" });
        Assert.Equal("ea95132c15732412d22c1476fa83f27a", video.Uid);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task An_upload_that_timed_out_is_not_sent_again_but_one_never_connected_is()
    {
        using var dir = new Downstream.Server.Tests.Support.TempDir();
        var file = dir.File("a.mp4");
        await File.WriteAllBytesAsync(file, new byte[100]);

        var (timedOut, timedOutHandler) = Make(_ => throw new TaskCanceledException("timed out"), _ => Json(HttpStatusCode.OK, VideoJson));
        await Assert.ThrowsAsync<ConnectionException>(() => timedOut.Stream.Upload(file, new VideoUploadParams { AccountId = Account }));
        Assert.Single(timedOutHandler.Requests);

        var (refused, refusedHandler) = Make(
            _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"),
            _ => Json(HttpStatusCode.OK, VideoJson));
        await refused.Stream.Upload(file, new VideoUploadParams { AccountId = Account });
        Assert.Equal(2, refusedHandler.Requests.Count);
    }

    [Fact]
    public async Task Reads_are_still_retried_after_a_5xx()
    {
        var (client, handler) = Make(_ => Json(HttpStatusCode.ServiceUnavailable, Busy), _ => Json(HttpStatusCode.OK, VideoJson));
        await client.Stream.Get("ea95132c15732412d22c1476fa83f27a", new VideoGetParams { AccountId = Account });
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public void Options_never_print_their_secrets()
    {
        var options = new ClientOptions { ApiToken = "secret-token-value", ApiEmail = "me@example.com", ApiKey = "secret-key-value", BaseUrl = "http://x" };
        var text = options.ToString();
        Assert.DoesNotContain("secret-token-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-value", text, StringComparison.Ordinal);
        Assert.Contains("me@example.com", text, StringComparison.Ordinal);
        Assert.Contains("http://x", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_download_leaves_the_target_untouched_and_no_partial_file()
    {
        const string downloads = """{"result":{"default":{"status":"ready","percentComplete":100,"url":"http://media.test/v/downloads/default.mp4"}},"success":true,"errors":[],"messages":[]}""";
        var (client, _) = Make(
            _ => Json(HttpStatusCode.OK, downloads),
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new FailingStream()) });
        using var dir = new Downstream.Server.Tests.Support.TempDir();
        var target = dir.File("clip.mp4");
        await File.WriteAllTextAsync(target, "the earlier file");

        await Assert.ThrowsAnyAsync<Exception>(() => client.Stream.Downloads.DownloadTo(
            "ea95132c15732412d22c1476fa83f27a", DownloadType.Default, new DownloadGetParams { AccountId = Account }, target));
        Assert.Equal("the earlier file", await File.ReadAllTextAsync(target));
        Assert.Equal([target], Directory.GetFiles(dir.Path));
    }

    /// <summary>Gives a few bytes, then breaks like a dropped connection, every time.</summary>
    private sealed class FailingStream : MemoryStream
    {
        private int _reads;

        public FailingStream()
            : base(new byte[1000])
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _reads++ == 0 ? base.ReadAsync(buffer[..10], cancellationToken) : throw new IOException("connection reset");

        public override int Read(byte[] buffer, int offset, int count) =>
            _reads++ == 0 ? base.Read(buffer, offset, Math.Min(count, 10)) : throw new IOException("connection reset");
    }
}
