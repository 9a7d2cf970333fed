using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Downstream.Client.Core;
using Downstream.Client.Models;

namespace Downstream.Client.Services;

/// <summary>Videos: <c>client.Stream</c>.</summary>
public sealed class StreamService
{
    private static readonly TimeSpan UploadAttemptTimeout = TimeSpan.FromHours(12);
    private readonly ApiTransport _transport;

    internal StreamService(ApiTransport transport)
    {
        _transport = transport;
        Downloads = new DownloadService(transport);
        Keys = new KeyService(transport);
        Token = new TokenService(transport);
        DirectUpload = new DirectUploadService(transport);
        Webhooks = new WebhookService(transport);
    }

    /// <summary>The account's webhook: <c>client.Stream.Webhooks</c>.</summary>
    public WebhookService Webhooks { get; }

    /// <summary>Direct creator uploads: <c>client.Stream.DirectUpload</c>.</summary>
    public DirectUploadService DirectUpload { get; }

    /// <summary>Signing keys: <c>client.Stream.Keys</c>.</summary>
    public KeyService Keys { get; }

    /// <summary>Signed tokens: <c>client.Stream.Token</c>.</summary>
    public TokenService Token { get; }

    /// <summary>The downloads of videos: <c>client.Stream.Downloads</c>.</summary>
    public DownloadService Downloads { get; }

    public Task<Video> Get(string identifier, VideoGetParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, $"{Paths.Stream(parameters.AccountId)}/{Paths.Segment(identifier, "identifier")}", null,
            ClientJsonContext.Default.Video, cancellationToken);

    public async Task<VideoListResponse> List(VideoListParams parameters, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("limit", parameters.Limit?.ToString(CultureInfo.InvariantCulture));
        Add("asc", parameters.Asc switch { true => "true", false => "false", null => null });
        Add("before", parameters.Before?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("after", parameters.After?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("status", parameters.Status?.Value);
        Add("search", parameters.Search);
        Add("creator", parameters.Creator);
        Add("include_counts", parameters.IncludeCounts switch { true => "true", false => "false", null => null });
        var path = Paths.Stream(parameters.AccountId) + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var envelope = await _transport.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        var videos = envelope.Result.ValueKind == JsonValueKind.Array ? envelope.Result.Deserialize(ClientJsonContext.Default.ListVideo)! : [];
        return new VideoListResponse(videos, envelope.Range, envelope.Total);
    }

    public Task<Video> Edit(string identifier, VideoEditParams parameters, CancellationToken cancellationToken = default)
    {
        var body = CommonFields(new JsonObject(), parameters.Meta, parameters.RequireSignedUrls, parameters.Creator);
        if (parameters.AllowedOrigins is not null)
        {
            body["allowedOrigins"] = new JsonArray([.. parameters.AllowedOrigins.Select(o => JsonValue.Create(o))]);
        }

        if (parameters.ThumbnailTimestampPct is { } pct)
        {
            body["thumbnailTimestampPct"] = pct;
        }

        if (parameters.MaxDurationSeconds is { } max)
        {
            body["maxDurationSeconds"] = max;
        }

        if (parameters.ClearScheduledDeletion)
        {
            body["scheduledDeletion"] = null;
        }
        else if (parameters.ScheduledDeletion is { } when)
        {
            body["scheduledDeletion"] = when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        var json = JsonSerializer.SerializeToElement(body, JsonNodeContext.Default.JsonObject);
        return _transport.SendAsync(HttpMethod.Post, $"{Paths.Stream(parameters.AccountId)}/{Paths.Segment(identifier, "identifier")}",
            () => ApiTransport.Json(json), ClientJsonContext.Default.Video, cancellationToken);
    }

    /// <summary>Deletes the video with its downloads.</summary>
    public async Task Delete(string identifier, VideoDeleteParams parameters, CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(HttpMethod.Delete, $"{Paths.Stream(parameters.AccountId)}/{Paths.Segment(identifier, "identifier")}", null,
            cancellationToken).ConfigureAwait(false);

    /// <summary>Asks the server to fetch a video from a URL; it is <c>downloading</c> until fetched.</summary>
    public Task<Video> Copy(VideoCopyParams parameters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parameters.Url);
        var body = CommonFields(new JsonObject { ["url"] = parameters.Url }, parameters.Meta, parameters.RequireSignedUrls, parameters.Creator);
        var json = JsonSerializer.SerializeToElement(body, JsonNodeContext.Default.JsonObject);
        return _transport.SendAsync(HttpMethod.Post, $"{Paths.Stream(parameters.AccountId)}/copy", () => ApiTransport.Json(json),
            ClientJsonContext.Default.Video, cancellationToken, creates: true);
    }

    /// <summary>Uploads a file (multipart, streamed), reporting bytes sent. Retried attempts start the file again.</summary>
    public Task<Video> Upload(string path, VideoUploadParams parameters, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        UploadCore(() => File.OpenRead(path), parameters with { FileName = parameters.FileName ?? Path.GetFileName(path) }, progress, retryable: true, cancellationToken);

    /// <summary>Uploads a stream (multipart), reporting bytes sent. A non-seekable stream is sent once, without retries.</summary>
    public Task<Video> Upload(Stream content, VideoUploadParams parameters, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var start = content.CanSeek ? content.Position : 0;
        return UploadCore(() =>
        {
            if (content.CanSeek)
            {
                content.Position = start;
            }

            return new NonClosingStream(content);
        }, parameters, progress, retryable: content.CanSeek, cancellationToken);
    }

    /// <summary>
    /// Uploads a file with tus (as Cloudflare requires above 200 MB) in chunks of <see cref="ResumableUploadParams.ChunkSize"/>:
    /// a dropped connection or a passing refusal is followed by HEAD, and the upload goes on from the server's offset.
    /// Reports the bytes the server holds, and the bytes of the chunk in flight. Returns the video (<c>queued</c>
    /// until the server has probed it: see <see cref="WaitUntilReady"/>).
    /// </summary>
    public async Task<Video> UploadResumable(string path, ResumableUploadParams parameters, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var uid = await new ResumableUpload(_transport, TimeProvider.System).RunAsync(path, parameters, progress, cancellationToken).ConfigureAwait(false);
        return await Get(uid, new VideoGetParams { AccountId = parameters.AccountId }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls the video until the server has decided it: <c>ready</c>, or <c>error</c> (its <c>status</c> says why).
    /// Uploads are answered as soon as their bytes are stored, before ffprobe has read them.
    /// </summary>
    public async Task<Video> WaitUntilReady(string identifier, VideoGetParams parameters, CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            var video = await Get(identifier, parameters, cancellationToken).ConfigureAwait(false);
            var state = video.Status?.State;
            if (state == VideoState.Ready || state == VideoState.Error)
            {
                return video;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 5000));
        }
    }

    private async Task<Video> UploadCore(Func<Stream> open, VideoUploadParams parameters, IProgress<long>? progress, bool retryable, CancellationToken cancellationToken)
    {
        var path = Paths.Stream(parameters.AccountId);
        HttpContent Content()
        {
            var file = new ProgressContent(open(), progress);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return new MultipartFormDataContent { { file, "file", parameters.FileName ?? "video" } };
        }

        var transport = retryable ? _transport : new ApiTransport(_transport.Http, _transport.Options with { MaxRetries = 0 }, TimeProvider.System);
        var envelope = await transport.SendAsync(HttpMethod.Post, path, Content, cancellationToken, UploadAttemptTimeout, creates: true).ConfigureAwait(false);
        return envelope.Result.Deserialize(ClientJsonContext.Default.Video)!;
    }

    /// <summary>The fields edit and copy share, set only when given.</summary>
    private static JsonObject CommonFields(JsonObject body, IReadOnlyDictionary<string, JsonElement>? meta, bool? requireSignedUrls, string? creator)
    {
        if (meta is not null)
        {
            body["meta"] = JsonSerializer.SerializeToNode(new Dictionary<string, JsonElement>(meta), ClientJsonContext.Default.DictionaryStringJsonElement);
        }

        if (requireSignedUrls is { } signed)
        {
            body["requireSignedURLs"] = signed;
        }

        if (creator is not null)
        {
            body["creator"] = creator;
        }

        return body;
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class JsonNodeContext : System.Text.Json.Serialization.JsonSerializerContext;
