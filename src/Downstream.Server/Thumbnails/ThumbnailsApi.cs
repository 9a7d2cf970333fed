using System.Globalization;
using Downstream.Server.Api;
using Downstream.Server.Delivery;
using Downstream.Server.Hosting.Metrics;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Signing;
using Downstream.Server.Storage;
using Downstream.Server.Videos;
using Microsoft.Net.Http.Headers;

namespace Downstream.Server.Thumbnails;

/// <summary>
/// <c>GET /{uid}/thumbnails/thumbnail.jpg</c> as Cloudflare serves it: a frame of a ready video, with
/// <c>time</c>, <c>width</c>, <c>height</c> and <c>fit</c> (see <see cref="ThumbnailRequest"/>); a signed
/// token in place of the uid for a video that requires one.
/// </summary>
public static class ThumbnailsApi
{
    public const string FileName = "thumbnail.jpg";

    public static IEndpointRouteBuilder MapThumbnails(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/{uid}/thumbnails/{file}", [HttpMethods.Get, HttpMethods.Head], Serve).WithTags("Media").NoCredential()
            .WithSummary("Fetch a thumbnail")
            .WithDescription("`thumbnail.jpg` of a ready video; query `time` (e.g. `12s`), `width`, `height` (1..2000) and `fit` (`crop`, `clip`, `scale`, `fill`).")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesErrors(400, 401, 403, 404);
        return app;
    }

    /// <summary>The URL in the video object's <c>thumbnail</c> field.</summary>
    public static string Url(string publicBase, string uid) => $"{publicBase}/{uid}/thumbnails/{FileName}";

    public static async Task<IResult> Serve(
        string uid, string file, HttpRequest request, IVideoStore videos, TokenVerifier tokens, ThumbnailMaker maker, CancellationToken cancellationToken)
    {
        if (file != FileName)
        {
            throw ApiErrors.NotFound($"No such file '{ApiErrors.Shorten(file)}': thumbnails are {FileName} (animated GIFs are not made).");
        }

        var thumbnail = ThumbnailRequest.Parse(request.Query);
        // Any good token shows the video's picture, downloadable or not.
        (uid, var grant) = await MediaAccess.ResolveAsync(uid, request, tokens, cancellationToken);
        var video = await videos.GetAsync(uid, cancellationToken) ?? throw ApiErrors.NotFound($"Video not found: {uid}");
        MediaAccess.Check(grant, video.AccountId, video.RequireSignedUrls, video.AllowedOrigins, request, file: false);

        if (video.State != VideoStates.Ready)
        {
            throw ApiErrors.NotFound($"Video {uid} has no thumbnail until it is ready (it is {video.State}).");
        }

        if (video.Media is not { HasVideo: true })
        {
            throw ApiErrors.NotFound($"Video {uid} has no picture to take a thumbnail from: it is audio only.");
        }

        var second = thumbnail.SecondFor(video.Duration, video.ThumbnailTimestampPct);
        for (var attempt = 0; ; attempt++)
        {
            var path = await maker.GetAsync(video, second, thumbnail, cancellationToken)
                ?? throw ApiErrors.NotFound(string.Create(CultureInfo.InvariantCulture, $"Video {uid} has no frame at {second:0.###} s."));
            try
            {
                var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
                // Private pictures stay out of shared caches.
                request.HttpContext.Response.Headers[HeaderNames.CacheControl] = video.RequireSignedUrls ? "private, max-age=3600" : "public, max-age=3600";
                MetricsSetup.CountDelivery(request.HttpContext, FileName);
                var tag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)))[..32];
                return TypedResults.Stream(stream, "image/jpeg", lastModified: video.Modified, entityTag: new EntityTagHeaderValue($"\"{tag}\""), enableRangeProcessing: true);
            }
            catch (FileNotFoundException) when (attempt == 0)
            {
                // Evicted between making and opening: make it again, once.
            }
        }
    }
}
