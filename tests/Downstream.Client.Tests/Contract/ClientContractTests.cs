using System.Net;
using System.Text.Json;
using Downstream.Client.Exceptions;
using Downstream.Client.Models;
using Downstream.Server.Tests.Support;

namespace Downstream.Client.Tests.Contract;

/// <summary>The client against the real server on loopback, with real ffmpeg.</summary>
[Collection(ServerCollection.Name)]
public sealed class ClientContractTests(ServerFixture fixture)
{
    private const string Account = ServerProcess.AccountId;

    private CloudflareClient Client(string? token = ServerProcess.Token, HttpMessageHandler? handler = null) =>
        new(new ClientOptions { ApiToken = token, BaseUrl = fixture.Server.BaseUrl + "/client/v4" }, handler is null ? null : new HttpClient(handler));

    [Fact]
    public async Task Upload_create_wait_download_delete()
    {
        using var client = Client();
        var sent = new List<long>();
        var queued = await client.Stream.Upload(await fixture.Media.H264AacAsync(), new VideoUploadParams { AccountId = Account }, new SyncProgress<long>(sent.Add));
        Assert.Equal(VideoState.Queued, queued.Status!.State);
        var video = await client.Stream.WaitUntilReady(queued.Uid, new VideoGetParams { AccountId = Account });
        Assert.Equal(VideoState.Ready, video.Status!.State);
        Assert.True(video.ReadyToStream);
        Assert.Equal(new FileInfo(await fixture.Media.H264AacAsync()).Length, sent[^1]);

        var created = await client.Stream.Downloads.Create(video.Uid, new DownloadCreateParams { AccountId = Account });
        Assert.NotNull(created.Default);
        await client.Stream.Downloads.Create(video.Uid, new DownloadCreateParams { AccountId = Account, Type = DownloadType.Audio });

        var percents = new List<double>();
        var ready = await client.Stream.Downloads.WaitUntilReady(video.Uid, DownloadType.Default, new DownloadGetParams { AccountId = Account }, new SyncProgress<double>(percents.Add));
        Assert.Equal(DownloadStatus.Ready, ready.Status);
        Assert.Equal(100, percents[^1]);
        await client.Stream.Downloads.WaitUntilReady(video.Uid, DownloadType.Audio, new DownloadGetParams { AccountId = Account });

        using var dir = new TempDir();
        var received = new List<long>();
        var bytes = await client.Stream.Downloads.DownloadTo(video.Uid, DownloadType.Default, new DownloadGetParams { AccountId = Account }, dir.File("v.mp4"), new SyncProgress<long>(received.Add));
        Assert.Equal(new FileInfo(dir.File("v.mp4")).Length, bytes);
        using var probe = await Ffmpeg.ProbeAsync(dir.File("v.mp4"));
        Assert.Equal(["h264", "aac"], probe.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_name").GetString()));

        Assert.Equal("ok", await client.Stream.Downloads.Delete(video.Uid, new DownloadDeleteParams { AccountId = Account, Type = DownloadType.Audio }));
        Assert.Equal("ok", await client.Stream.Downloads.Delete(video.Uid, new DownloadDeleteParams { AccountId = Account }));
        var none = await client.Stream.Downloads.Get(video.Uid, new DownloadGetParams { AccountId = Account });
        Assert.Null(none.Default);
        Assert.Null(none.Audio);

        await client.Stream.Delete(video.Uid, new VideoDeleteParams { AccountId = Account });
        await Assert.ThrowsAsync<NotFoundException>(() => client.Stream.Get(video.Uid, new VideoGetParams { AccountId = Account }));
    }

    [Fact]
    public async Task Download_resumes_with_range_after_a_dropped_connection()
    {
        using var setup = Client();
        var video = await setup.Stream.Upload(await fixture.Media.Mpeg4Mp3Async(), new VideoUploadParams { AccountId = Account });
        await setup.Stream.Downloads.Create(video.Uid, new DownloadCreateParams { AccountId = Account });
        await setup.Stream.Downloads.WaitUntilReady(video.Uid, DownloadType.Default, new DownloadGetParams { AccountId = Account });
        var whole = await fixture.Server.Http.GetByteArrayAsync($"/{video.Uid}/downloads/default.mp4");

        var dropping = new DroppingHandler(dropAfter: whole.Length / 3);
        using var client = Client(handler: dropping);
        using var target = new MemoryStream();
        var bytes = await client.Stream.Downloads.DownloadTo(video.Uid, DownloadType.Default, new DownloadGetParams { AccountId = Account }, target);

        Assert.Equal(whole.Length, bytes);
        Assert.Equal(whole, target.ToArray());
        Assert.Equal([null, $"bytes={whole.Length / 3}-"], dropping.MediaRanges);
    }

    [Fact]
    public async Task List_get_edit_and_copy()
    {
        using var client = Client();
        var video = await client.Stream.Upload(await fixture.Media.H264AacAsync(), new VideoUploadParams { AccountId = Account, FileName = "listed.mp4" });
        var page = await client.Stream.List(new VideoListParams { AccountId = Account, Limit = 1000, Search = "listed", IncludeCounts = true });
        Assert.Contains(page.Videos, v => v.Uid == video.Uid);
        Assert.True(page.Total >= 1);

        var edited = await client.Stream.Edit(video.Uid, new VideoEditParams
        {
            AccountId = Account,
            Meta = new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement("renamed") },
            RequireSignedUrls = true,
        });
        Assert.Equal("renamed", edited.Meta!["name"].GetString());
        Assert.True(edited.RequireSignedUrls);

        await using var origin = await LoopbackOrigin.StartAsync(await fixture.Media.H264AacAsync());
        var copied = await client.Stream.Copy(new VideoCopyParams { AccountId = Account, Url = origin.Url });
        Assert.Equal(VideoState.Downloading, copied.Status!.State);
        var ready = await Poll.UntilAsync(() => client.Stream.Get(copied.Uid, new VideoGetParams { AccountId = Account }),
            v => v.Status!.State != VideoState.Downloading, TimeSpan.FromSeconds(30), "the copy");
        Assert.Equal(VideoState.Ready, ready.Status!.State);
    }

    [Fact]
    public async Task Keys_tokens_and_a_signed_download_url_of_a_private_video()
    {
        using var client = Client();
        var video = await client.Stream.Upload(await fixture.Media.H264AacAsync(), new VideoUploadParams { AccountId = Account });
        await client.Stream.Edit(video.Uid, new VideoEditParams { AccountId = Account, RequireSignedUrls = true });
        await client.Stream.Downloads.Create(video.Uid, new DownloadCreateParams { AccountId = Account });
        var ready = await client.Stream.Downloads.WaitUntilReady(video.Uid, DownloadType.Default, new DownloadGetParams { AccountId = Account });
        using (var plain = await fixture.Server.Http.GetAsync(ready.Url))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
        }

        var signed = await client.Stream.Token.SignDownloadUrl(ready.Url!, video.Uid, Account, TimeSpan.FromMinutes(5));
        var mp4 = await fixture.Server.Http.GetByteArrayAsync(signed);
        Assert.Equal("ftyp"u8.ToArray(), mp4[4..8]);

        var key = await client.Stream.Keys.Create(new KeyCreateParams { AccountId = Account });
        Assert.False(string.IsNullOrEmpty(key.Pem));
        Assert.Contains(await client.Stream.Keys.List(new KeyListParams { AccountId = Account }), k => k.Id == key.Id);
        var token = await client.Stream.Token.Create(video.Uid, new TokenCreateParams
        {
            AccountId = Account,
            Id = key.Id,
            Pem = key.Pem,
            Downloadable = true,
            Expires = DateTimeOffset.UtcNow.AddMinutes(10),
            AccessRules = [new AccessRule { Type = "ip.src", Action = "allow", Ip = ["127.0.0.1", "::1"] }, new AccessRule { Type = "any", Action = "block" }],
        });
        var url = Services.TokenService.SignedUrl(new Uri(ready.Url!), video.Uid, token);
        Assert.Equal(mp4, await fixture.Server.Http.GetByteArrayAsync(url));

        Assert.Equal("Revoked", await client.Stream.Keys.Delete(key.Id, new KeyDeleteParams { AccountId = Account }));
        using var revoked = await fixture.Server.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        await Assert.ThrowsAsync<NotFoundException>(() => client.Stream.Keys.Delete(key.Id, new KeyDeleteParams { AccountId = Account }));
    }

    [Fact]
    public async Task A_direct_upload_url_takes_a_file_without_credentials()
    {
        using var client = Client();
        var upload = await client.Stream.DirectUpload.Create(new DirectUploadCreateParams
        {
            AccountId = Account,
            MaxDurationSeconds = 60,
            Creator = "end-user-1",
            Expiry = DateTimeOffset.UtcNow.AddMinutes(10),
        });
        Assert.Equal(VideoState.PendingUpload, (await client.Stream.Get(upload.Uid, new VideoGetParams { AccountId = Account })).Status!.State);

        using var anonymous = new HttpClient();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync())), "file", "clip.mp4" } };
        using var response = await anonymous.PostAsync(upload.UploadUrl, form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var video = await client.Stream.Get(upload.Uid, new VideoGetParams { AccountId = Account });
        Assert.Equal((VideoState.Ready, "end-user-1"), (video.Status!.State, video.Creator));
    }

    [Fact]
    public async Task Server_errors_arrive_as_their_exceptions()
    {
        using var client = Client();
        var unknown = "0123456789abcdef0123456789abcdef";
        var notFound = await Assert.ThrowsAsync<NotFoundException>(() => client.Stream.Downloads.Get(unknown, new DownloadGetParams { AccountId = Account }));
        Assert.Equal(10003, notFound.Errors[0].Code);
        var bad = await Assert.ThrowsAsync<BadRequestException>(() => client.Stream.Downloads.Get("not-hex", new DownloadGetParams { AccountId = Account }));
        Assert.Contains("identifier", bad.Message, StringComparison.Ordinal);

        using var wrong = Client(token: "wrong-token");
        var auth = await Assert.ThrowsAsync<AuthenticationException>(() => wrong.Stream.Downloads.Get(unknown, new DownloadGetParams { AccountId = Account }));
        Assert.Equal(HttpStatusCode.Unauthorized, auth.StatusCode);

        var (_, readToken) = await TokensCli.CreateAsync(fixture.Server.DataDir, readOnly: true);
        using var reader = Client(token: readToken);
        var video = await client.Stream.Upload(await fixture.Media.H264AacAsync(), new VideoUploadParams { AccountId = Account });
        await Assert.ThrowsAsync<PermissionDeniedException>(() => reader.Stream.Downloads.Create(video.Uid, new DownloadCreateParams { AccountId = Account }));
    }

    [Fact]
    public async Task A_resumable_upload_goes_on_after_a_connection_dropped_mid_chunk_and_arrives_whole()
    {
        var file = await fixture.Media.LargeAsync();
        var length = new FileInfo(file).Length;
        var chunk = ResumableUploadParams.MinChunkSize;
        Assert.True(length > 3 * chunk, $"the test file is only {length} bytes");
        var handler = new CuttingHandler(cutPatch: 2, cutAfter: chunk / 2);
        using var client = Client(handler: handler);
        var progress = new List<long>();
        Uri? url = null;
        var video = await client.Stream.UploadResumable(file, new ResumableUploadParams
        {
            AccountId = Account,
            ChunkSize = chunk,
            MaxDurationSeconds = 600,
            Meta = new Dictionary<string, string> { ["project"] = "tests" },
            UploadCreated = created => url = created,
        }, new SyncProgress<long>(progress.Add));

        // Read just after the last byte: the ingest job may have started already.
        Assert.Contains(video.Status!.State, new[] { VideoState.Queued, VideoState.InProgress, VideoState.Ready });
        Assert.Equal("large.mp4", video.Meta!["name"].GetString());
        Assert.Equal("tests", video.Meta!["project"].GetString());
        Assert.Equal(600, video.MaxDurationSeconds);
        Assert.EndsWith($"/stream/{video.Uid}", url!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(length, progress[^1]);

        // The cut chunk's bytes that arrived were kept: HEAD told where to go on, past the first chunk.
        Assert.Equal("HEAD", handler.Methods[handler.Methods.IndexOf("CUT") + 1]);
        Assert.True(handler.Methods.Count(m => m == "PATCH") < (length / chunk) + 3, string.Join(' ', handler.Methods));

        var ready = await client.Stream.WaitUntilReady(video.Uid, new VideoGetParams { AccountId = Account });
        Assert.Equal(VideoState.Ready, ready.Status!.State);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file)),
            System.Security.Cryptography.SHA256.HashData((await fixture.Server.Media.ReadAsync($"videos/{video.Uid}/source"))!));
    }

    [Fact]
    public async Task A_resumable_upload_goes_on_from_a_url_kept_by_an_earlier_attempt()
    {
        var file = await fixture.Media.LargeAsync();
        var chunk = ResumableUploadParams.MinChunkSize;

        // The first attempt dies for good after one chunk (as a process that was stopped).
        var dying = new CuttingHandler(cutPatch: 2, cutAfter: 0, forever: true);
        using var first = Client(handler: dying);
        Uri? url = null;
        var parameters = new ResumableUploadParams { AccountId = Account, ChunkSize = chunk, MaxAttempts = 1, UploadCreated = created => url = created };
        await Assert.ThrowsAnyAsync<CloudflareException>(() => first.Stream.UploadResumable(file, parameters));

        using var second = Client(handler: new CuttingHandler(cutPatch: 0, cutAfter: 0));
        var progress = new List<long>();
        var video = await second.Stream.UploadResumable(file, parameters with { ResumeUrl = url, UploadCreated = null }, new SyncProgress<long>(progress.Add));
        Assert.Equal(url!.Segments[^1], video.Uid);
        Assert.Equal(chunk, progress[0]);
        Assert.Equal(VideoState.Ready, (await second.Stream.WaitUntilReady(video.Uid, new VideoGetParams { AccountId = Account })).Status!.State);
    }

    [Fact]
    public async Task Watch_streams_the_downloads_until_they_are_settled_and_wait_follows_it()
    {
        using var client = Client();
        var video = await client.Stream.Upload(await fixture.Media.LongAsync(20), new VideoUploadParams { AccountId = Account });
        await client.Stream.Downloads.Create(video.Uid, new DownloadCreateParams { AccountId = Account });
        var seen = new List<DownloadGetResponse>();
        await foreach (var downloads in client.Stream.Downloads.Watch(video.Uid, new DownloadGetParams { AccountId = Account }))
        {
            seen.Add(downloads);
        }

        Assert.True(seen.Count >= 2, $"{seen.Count} events");
        Assert.Equal(DownloadStatus.Ready, seen[^1].Default!.Status);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.Default!.PercentComplete <= p.Second.Default!.PercentComplete));

        await client.Stream.Downloads.Create(video.Uid, new DownloadCreateParams { AccountId = Account, Type = DownloadType.Audio });
        var percents = new List<double>();
        var audio = await client.Stream.Downloads.WaitUntilReady(video.Uid, DownloadType.Audio, new DownloadGetParams { AccountId = Account }, new SyncProgress<double>(percents.Add));
        Assert.Equal(DownloadStatus.Ready, audio.Status);
        Assert.Equal(100, percents[^1]);
        var bytes = await fixture.Server.Http.GetByteArrayAsync(new Uri(audio.Url!).AbsolutePath);
        Assert.Equal(bytes.Length, audio.Size);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), audio.Sha256);
        Assert.NotNull(audio.Mode);
        Assert.True(audio.ReadyAt >= audio.Created);
        await Assert.ThrowsAsync<NotFoundException>(async () =>
        {
            await foreach (var _ in client.Stream.Downloads.Watch("0123456789abcdef0123456789abcdef", new DownloadGetParams { AccountId = Account }))
            {
            }
        });
    }

    [Fact]
    public async Task Webhooks_update_get_delete_and_a_delivery_verifies_with_its_secret()
    {
        using var client = Client();
        await using var receiver = WebhookReceiver.Start();
        var webhook = await client.Stream.Webhooks.Update(new WebhookUpdateParams { AccountId = Account, NotificationUrl = receiver.Url, DownloadEvents = true });
        Assert.Equal(receiver.Url, webhook.NotificationUrl);
        Assert.True(webhook.DownloadEvents);
        Assert.Equal(webhook, await client.Stream.Webhooks.Get(new WebhookGetParams { AccountId = Account }));

        var video = await client.Stream.Upload(await fixture.Media.H264AacAsync(), new VideoUploadParams { AccountId = Account });
        var delivery = await Poll.UntilAsync(
            () => Task.FromResult(receiver.Received.FirstOrDefault(d => d.Text.Contains(video.Uid, StringComparison.Ordinal))),
            d => d is not null, TimeSpan.FromSeconds(60), "the video event");
        var header = delivery!.Headers["Webhook-Signature"];
        Assert.True(WebhookSignature.Verify(webhook.Secret!, header, delivery.Body));
        Assert.False(WebhookSignature.Verify(webhook.Secret!, header, [.. delivery.Body, (byte)' ']));
        Assert.False(WebhookSignature.Verify("0123456789abcdef0123456789abcdef", header, delivery.Body));
        Assert.False(WebhookSignature.Verify(webhook.Secret!, header, delivery.Body, time: new ShiftedTime(TimeSpan.FromMinutes(10))));
        Assert.False(WebhookSignature.Verify(webhook.Secret!, "time=1,sig1=zz", delivery.Body));
        Assert.False(WebhookSignature.Verify(webhook.Secret!, null, delivery.Body));

        Assert.Equal("ok", await client.Stream.Webhooks.Delete(new WebhookDeleteParams { AccountId = Account }));
        await Assert.ThrowsAsync<NotFoundException>(() => client.Stream.Webhooks.Get(new WebhookGetParams { AccountId = Account }));
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    /// <summary>Cuts PATCH number <c>cutPatch</c> after <c>cutAfter</c> bytes of its body (every PATCH from then on, with <c>forever</c>).</summary>
    private sealed class CuttingHandler(int cutPatch, int cutAfter, bool forever = false) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _patches;

        public List<string> Methods { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var number = request.Method == HttpMethod.Patch ? ++_patches : 0;
            if (number > 0 && (number == cutPatch || (forever && number > cutPatch)))
            {
                Methods.Add("CUT");
                var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
                var cut = new StreamContent(new FailingStream(body[..cutAfter]));
                foreach (var header in request.Content.Headers)
                {
                    cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                request.Content = cut;
            }
            else
            {
                Methods.Add(request.Method.Method);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Reports synchronously, so the last value is there when the call returns.</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>Cuts the first media response after some bytes, as a dropped connection would.</summary>
    private sealed class DroppingHandler(int dropAfter) : DelegatingHandler(new SocketsHttpHandler())
    {
        private bool _dropped;

        public List<string?> MediaRanges { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!request.RequestUri!.AbsolutePath.EndsWith(".mp4", StringComparison.Ordinal))
            {
                return response;
            }

            MediaRanges.Add(request.Headers.Range?.ToString());
            if (_dropped)
            {
                return response;
            }

            _dropped = true;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var cut = new StreamContent(new FailingStream(body[..dropAfter]));
            foreach (var header in response.Content.Headers)
            {
                cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = cut;
            return response;
        }
    }

    private sealed class FailingStream(byte[] data) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("The connection was reset.");
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            return read > 0 ? read : throw new IOException("The connection was reset.");
        }
    }
}
