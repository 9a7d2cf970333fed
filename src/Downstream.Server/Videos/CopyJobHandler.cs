using System.Net;
using Downstream.Server.Hosting;
using Downstream.Server.Jobs;
using Downstream.Server.Media;
using Downstream.Server.Storage;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Videos;

/// <summary>
/// Fetches a video from its URL (state <c>downloading</c>), streaming it to disk, then ingests it.
/// Network failures are retried by the worker; an origin's 4xx answer is final.
/// </summary>
public sealed class CopyJobHandler(
    IVideoStore videos,
    IBlobStore blobs,
    VideoIngest ingest,
    IHttpClientFactory httpClients,
    IOptions<DownstreamOptions> options,
    TimeProvider time,
    ILogger<CopyJobHandler> logger) : IJobHandler
{
    public const string HttpClientName = "copy";

    public string Kind => JobKinds.Copy;

    public async Task RunAsync(Job job, CancellationToken cancellationToken)
    {
        var video = await videos.GetAsync(job.VideoUid, cancellationToken);
        if (video is not { State: VideoStates.Downloading, SourceUrl: { } url })
        {
            return;
        }

        var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.RequestTimeout && response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            await FailAsync(video, ErrorReasons.FetchOriginError, $"The origin answered {(int)response.StatusCode} {response.ReasonPhrase}.", cancellationToken);
            return;
        }

        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > options.Value.MaxUploadBytes)
        {
            await FailAsync(video, ErrorReasons.FetchOriginError, $"The file is larger than the limit of {options.Value.MaxUploadBytes} bytes.", cancellationToken);
            return;
        }

        await using var source = await blobs.BeginWriteAsync(VideoKeys.Source(video.Uid), cancellationToken);
        long length;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            length = await UploadReader.CopyLimitedAsync(body, source.StagingPath, options.Value.MaxUploadBytes, cancellationToken);
        }
        catch (Api.ApiException ex)
        {
            await FailAsync(video, ErrorReasons.FetchOriginError, ex.Message, cancellationToken);
            return;
        }

        var finished = await ingest.FinishAsync(video, source, length, cancellationToken);
        if (!await videos.UpdateAsync(finished, cancellationToken))
        {
            await blobs.DeletePrefixAsync(VideoKeys.Prefix(video.Uid), CancellationToken.None);
            return;
        }

        logger.LogInformation("Video {Uid} copied from {Url}: {Bytes} bytes, {State}", video.Uid, url, length, finished.State);
    }

    public async Task GiveUpAsync(Job job, string reason, CancellationToken cancellationToken)
    {
        if (await videos.GetAsync(job.VideoUid, cancellationToken) is { } video)
        {
            await FailAsync(video, ErrorReasons.FetchOriginError, $"The file could not be fetched: {reason}", cancellationToken);
        }
    }

    private async Task FailAsync(Video video, string code, string text, CancellationToken cancellationToken)
    {
        logger.LogInformation("Copy of video {Uid} failed: {Text}", video.Uid, text);
        await videos.UpdateAsync(VideoIngest.Failed(video, code, text, time.GetUtcNow()), cancellationToken);
    }
}
