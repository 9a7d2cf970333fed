using System.Text.RegularExpressions;
using Downstream.Server.Api;
using Downstream.Server.Downloads;
using Downstream.Server.Hosting.Metrics;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Storage;
using Microsoft.Net.Http.Headers;

namespace Downstream.Server.Delivery;

/// <summary>
/// Serves finished downloads at <c>/{uid}/downloads/default.mp4</c> and <c>/audio.m4a</c>, with
/// Range, ETag, Last-Modified and <c>?filename=</c>. Only ready files are served.
/// </summary>
public static partial class MediaDeliveryApi
{
    public static IEndpointRouteBuilder MapMediaDelivery(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/{uid}/downloads/{file}", [HttpMethods.Get, HttpMethods.Head], Serve).WithTags("Media").NoCredential()
            .WithSummary("Fetch a download")
            .WithDescription("`default.mp4` or `audio.m4a` of a ready download, with Range, ETag and `?filename=`; a signed token (downloadable) in place of the uid for a private video.")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4").Produces(StatusCodes.Status206PartialContent, contentType: "video/mp4")
            .ProducesErrors(401, 403, 404, 416);
        return app;
    }

    public static async Task<IResult> Serve(
        string uid, string file, HttpRequest request, MediaLookup lookup, IBlobStore blobs, DeliveryCache cache, Signing.TokenVerifier tokens,
        Microsoft.Extensions.Options.IOptions<Hosting.DownstreamOptions> options, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var type = DownloadType.All.FirstOrDefault(t => t.FileName == file)
            ?? throw ApiErrors.NotFound($"No such file '{ApiErrors.Shorten(file)}': downloads are default.mp4 and audio.m4a.");
        var downloadName = FileName(request);
        (uid, var grant) = await MediaAccess.ResolveAsync(uid, request, tokens, cancellationToken);
        var video = await lookup.FindAsync(uid, cancellationToken) ?? throw ApiErrors.NotFound($"Video not found: {uid}");
        MediaAccess.Check(grant, video.AccountId, video.RequireSignedUrls, video.AllowedOrigins, request, file: true);

        var download = video.Downloads.FirstOrDefault(d => d.Type == type.Name)
            ?? throw ApiErrors.NotFound($"Video {uid} has no {type.Name} download; create it with POST .../stream/{uid}/downloads/{type.Name}.");
        if (download.Status != DownloadStatuses.Ready)
        {
            throw ApiErrors.NotFound(download.Status == DownloadStatuses.Error
                ? $"The {type.Name} download of video {uid} failed; create it again to retry."
                : $"The {type.Name} download of video {uid} is not ready yet ({download.PercentComplete:0.#}% done).");
        }

        var key = DownloadType.BlobKey(uid, type);
        if (options.Value.AccelRedirect is { Length: > 0 } prefix && blobs is LocalBlobStore)
        {
            // An nginx edge sends the bytes; everything above decided that it may.
            return AccelRedirect.Answer(request.HttpContext, prefix, key, type, download, downloadName);
        }

        if (blobs is Storage.S3.S3BlobStore s3 && options.Value.S3Delivery == "redirect")
        {
            // The checks above are the whole of access control: the URL is good for a minute only.
            var disposition = downloadName is null ? null : $"attachment; filename=\"{downloadName}{type.Extension}\"";
            return TypedResults.Redirect(await s3.PresignAsync(key, TimeSpan.FromMinutes(1), disposition, time.GetUtcNow().UtcDateTime));
        }

        Stream content;
        try
        {
            content = cache.Find(uid, download.JobId, type.FileName, key, download.Size ?? -1) is { } copy && OpenCopy(copy) is { } local
                ? local
                : await OpenAsync(blobs, key, download.Size, request.HttpContext.Response, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            loggers.CreateLogger(typeof(MediaDeliveryApi)).LogError("Download {VideoUid} {Type} is ready but its file is missing", uid, type.Name);
            throw ApiErrors.NotFound($"The {type.Name} download of video {uid} has no file; delete and create it again.");
        }

        MetricsSetup.CountDelivery(request.HttpContext, type.FileName);
        return TypedResults.Stream(
            content,
            type.ContentType,
            downloadName is null ? null : downloadName + type.Extension,
            lastModified: download.Modified,
            entityTag: new EntityTagHeaderValue($"\"{download.JobId}\""),
            enableRangeProcessing: true);
    }

    /// <summary>
    /// A local file is read with pread; a remote blob lazily, by the one ranged read the answer needs
    /// (the row's size stands in for a HEAD request).
    /// </summary>
    private static async Task<Stream> OpenAsync(IBlobStore blobs, string key, long? size, HttpResponse response, CancellationToken cancellationToken)
    {
        if (size is not { } length || blobs is LocalBlobStore)
        {
            var blob = await blobs.GetAsync(key, cancellationToken) ?? throw new FileNotFoundException(key);
            if (blob.LocalPath is { } path)
            {
                return PreadStream.Open(path);
            }

            length = blob.Length;
        }

        return new BlobRangeStream(blobs, key, length, response);
    }

    /// <summary>The cached copy, unless it was evicted between the lookup and now.</summary>
    private static PreadStream? OpenCopy(string path)
    {
        try
        {
            return PreadStream.Open(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static string? FileName(HttpRequest request)
    {
        if (!request.Query.TryGetValue("filename", out var values))
        {
            return null;
        }

        var name = values.ToString();
        return values.Count == 1 && FileNamePattern().IsMatch(name)
            ? name
            : throw ApiErrors.InvalidParameter("filename", name, "must be 1 to 120 of A-Z, a-z, 0-9, '-' and '_' (the extension is added)");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,120}$")]
    private static partial Regex FileNamePattern();
}
