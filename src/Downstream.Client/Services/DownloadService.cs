using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Downstream.Client.Core;
using Downstream.Client.Exceptions;
using Downstream.Client.Models;

namespace Downstream.Client.Services;

/// <summary>Downloads of videos: <c>client.Stream.Downloads</c>.</summary>
public sealed class DownloadService
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(5);
    private const int MaxResumes = 5;
    private readonly ApiTransport _transport;

    internal DownloadService(ApiTransport transport) => _transport = transport;

    /// <summary>Lists the downloads created for a video.</summary>
    public Task<DownloadGetResponse> Get(string identifier, DownloadGetParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, PathOf(identifier, parameters.AccountId, null), null,
            ClientJsonContext.Default.DownloadGetResponse, cancellationToken);

    /// <summary>Creates a download (idempotent) and returns all downloads of the video.</summary>
    public Task<DownloadGetResponse> Create(string identifier, DownloadCreateParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Post, PathOf(identifier, parameters.AccountId, parameters.Type), null,
            ClientJsonContext.Default.DownloadGetResponse, cancellationToken);

    /// <summary>Deletes a download; returns the server's <c>"ok"</c>.</summary>
    public Task<string> Delete(string identifier, DownloadDeleteParams parameters, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Delete, PathOf(identifier, parameters.AccountId, parameters.Type), null,
            ClientJsonContext.Default.String, cancellationToken);

    /// <summary>
    /// Waits until the download is ready, reporting <c>percentComplete</c>, and returns it. Follows the server's live
    /// event stream (<see cref="Watch"/>); against a server without one (Cloudflare) or after the stream breaks,
    /// polls, the wait growing from 0.5 s to 5 s. Throws <see cref="DownloadFailedException"/> when it ends in <c>error</c>.
    /// </summary>
    public async Task<Download> WaitUntilReady(
        string identifier, DownloadType type, DownloadGetParams parameters, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var downloads in Watch(identifier, parameters, cancellationToken).ConfigureAwait(false))
            {
                if (Settled(identifier, type, downloads, progress) is { } done)
                {
                    return done;
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ex is EventsUnavailableException or IOException or HttpRequestException or NotFoundException or ApiException { StatusCode: HttpStatusCode.MethodNotAllowed })
        {
            // Polling below gives the same answer, or the right error (an unknown video is 404 there too).
        }

        var delay = FirstPoll;
        while (true)
        {
            if (Settled(identifier, type, await Get(identifier, parameters, cancellationToken).ConfigureAwait(false), progress) is { } done)
            {
                return done;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, MaxPoll.TotalMilliseconds));
        }
    }

    /// <summary>
    /// The downloads map as it changes, from the server's Server-Sent Events stream (<c>.../downloads/events</c>, a
    /// Downstream addition): the map on connect, again on each change of a status or percentage, and the last one
    /// once every download is <c>ready</c> or <c>error</c>. Throws <see cref="EventsUnavailableException"/> against a
    /// server without the stream.
    /// </summary>
    public async IAsyncEnumerable<DownloadGetResponse> Watch(
        string identifier, DownloadGetParams parameters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _transport.Options.BaseUrl + PathOf(identifier, parameters.AccountId, null) + "/events");
        _transport.Authorize(request);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await _transport.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ApiExceptionFactory.FromBody(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            throw new EventsUnavailableException("The server has no live download events; poll Get instead.");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.EventType is "downloads" or "done")
            {
                yield return JsonSerializer.Deserialize(item.Data, ClientJsonContext.Default.DownloadGetResponse)!;
            }

            if (item.EventType == "done")
            {
                yield break;
            }
        }
    }

    private static Download? Settled(string identifier, DownloadType type, DownloadGetResponse downloads, IProgress<double>? progress)
    {
        var download = downloads[type] ?? throw new CloudflareException($"Video {identifier} has no {type} download; create it first.");
        progress?.Report(download.PercentComplete);
        return download.Status == DownloadStatus.Ready ? download
            : download.Status == DownloadStatus.Error
                ? throw new DownloadFailedException($"The {type} download of video {identifier} failed on the server" + (download.ErrorReasonText is { } why ? $": {why}" : "."))
            : null;
    }

    /// <summary>Fetches a ready download into a file, resuming with Range after a dropped connection.</summary>
    public async Task<long> DownloadTo(
        string identifier, DownloadType type, DownloadGetParams parameters, string path, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        // Written beside the target and renamed once whole: a failed or cancelled fetch never leaves a
        // truncated file under the name the caller asked for, nor touches a file already there.
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            long length;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                length = await DownloadTo(identifier, type, parameters, file, progress, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, path, overwrite: true);
            return length;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Fetches a ready download into a stream, resuming with Range after a dropped connection.</summary>
    public async Task<long> DownloadTo(
        string identifier, DownloadType type, DownloadGetParams parameters, Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var download = (await Get(identifier, parameters, cancellationToken).ConfigureAwait(false))[type];
        if (download is not { Url: { } url } || download.Status != DownloadStatus.Ready)
        {
            throw new CloudflareException($"The {type} download of video {identifier} is not ready ({download?.Status.Value ?? "not created"}).");
        }

        long written = 0;
        EntityTagHeaderValue? etag = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (written > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(written, null);
                    if (etag is not null)
                    {
                        request.Headers.IfRange = new RangeConditionHeaderValue(etag);
                    }
                }

                // Media URLs need no API credentials; none are sent to them.
                using var response = await _transport.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (written > 0 && response.StatusCode == HttpStatusCode.OK)
                {
                    throw new CloudflareException("The file changed while it was being fetched; fetch it again.");
                }

                if (!response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    throw ApiExceptionFactory.Create(response.StatusCode, [new ApiMessage { Code = (int)response.StatusCode, Message = body.Length > 300 ? body[..300] : body }], body);
                }

                etag ??= response.Headers.ETag;
                await using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                var buffer = new byte[81920];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    written += read;
                    progress?.Report(written);
                }

                return written;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested && attempt < MaxResumes)
            {
                await Task.Delay(RetryPolicy.Delay(attempt + 1, null, DateTimeOffset.UtcNow, Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string PathOf(string identifier, string accountId, DownloadType? type) =>
        $"{Paths.Stream(accountId)}/{Paths.Segment(identifier, "identifier")}/downloads" + (type is { } t ? "/" + Paths.Segment(t.Value, "download_type") : "");
}
