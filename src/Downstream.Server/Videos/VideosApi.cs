using Downstream.Server.Api;
using Downstream.Server.Hosting.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Downstream.Server.Videos;

/// <summary>The video routes under <c>/accounts/{account_id}/stream</c>.</summary>
public static class VideosApi
{
    public static RouteGroupBuilder MapVideosApi(this RouteGroupBuilder stream)
    {
        var videos = stream.MapGroup("").WithTags("Stream Videos");
        videos.MapPost("", Upload).DisableAntiforgery()
            .WithSummary("Upload videos from a file")
            .WithDescription("A multipart upload (form field `file`); with `Tus-Resumable: 1.0.0` this creates a tus upload instead (201, `Location`, `stream-media-id`).")
            .WithRequestBody<UploadForm>("multipart/form-data").Produces<Envelope<VideoDto>>().Produces(StatusCodes.Status201Created).ProducesErrors(400, 401, 403, 413, 415, 429);
        videos.MapPost("/copy", Copy).WithSummary("Upload videos from a URL").WithRequestBody<VideoCopyRequest>("application/json").ProducesErrors();
        videos.MapGet("", List).WithSummary("List videos")
            .WithDescription("Newest first. Query: `search`, `status`, `creator`, `before`, `after`, `start`, `end`, `asc`, `limit` (1..1000), `include_counts`.")
            .Produces<VideoListEnvelope>().ProducesErrors();
        videos.MapGet("/{identifier}", Get).WithSummary("Retrieve video details").ProducesErrors();
        videos.MapPost("/{identifier}", Edit).WithSummary("Edit video details").WithRequestBody<VideoUpdateRequest>("application/json").ProducesErrors();
        videos.MapDelete("/{identifier}", Delete).WithSummary("Delete video").Produces<Envelope<string>>().ProducesErrors();
        return stream;
    }

    /// <summary>A multipart upload, or with <c>Tus-Resumable</c> the creation of a tus upload.</summary>
    public static async Task<IResult> Upload(
        [FromRoute(Name = "account_id")] string accountId, HttpRequest request, VideoService videos, Hosting.PublicUrls urls, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Tus.TusHeaders.IsTus(request))
        {
            return await Tus.TusApi.Create(
                accountId, request.HttpContext, services.GetRequiredService<Tus.TusService>(), services.GetRequiredService<Hosting.PublicUrls>(), cancellationToken);
        }

        var video = await videos.UploadAsync(accountId, request, cancellationToken);
        return TypedResults.Ok(Envelope.Ok(VideoDto.From(video, urls.Base(request))));
    }

    public static async Task<Ok<Envelope<VideoDto>>> Copy(
        [FromRoute(Name = "account_id")] string accountId, HttpRequest request, VideoService videos, Hosting.PublicUrls urls, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        var video = await videos.CopyAsync(accountId, body, request.Headers["Upload-Creator"].ToString(), cancellationToken);
        return TypedResults.Ok(Envelope.Ok(VideoDto.From(video, urls.Base(request))));
    }

    public static async Task<FileContentHttpResult> List(
        [FromRoute(Name = "account_id")] string accountId, HttpRequest request, VideoService videos, Hosting.PublicUrls urls, CancellationToken cancellationToken)
    {
        var json = await videos.ListJsonAsync(accountId, VideoQueryParser.Parse(request.Query), urls.Base(request), cancellationToken);
        return TypedResults.Bytes(json, "application/json");
    }

    public static async Task<Ok<Envelope<VideoDto>>> Get(
        [FromRoute(Name = "account_id")] string accountId, string identifier, HttpRequest request, VideoService videos, Hosting.PublicUrls urls, CancellationToken cancellationToken)
    {
        var video = await videos.GetAsync(accountId, identifier, cancellationToken);
        return TypedResults.Ok(Envelope.Ok(VideoDto.From(video, urls.Base(request))));
    }

    public static async Task<Ok<Envelope<VideoDto>>> Edit(
        [FromRoute(Name = "account_id")] string accountId, string identifier, HttpRequest request, VideoService videos, Hosting.PublicUrls urls, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        var video = await videos.EditAsync(accountId, identifier, body, cancellationToken);
        return TypedResults.Ok(Envelope.Ok(VideoDto.From(video, urls.Base(request))));
    }

    /// <summary>Deletes the video; with <c>Tus-Resumable</c> this is tus termination, answered 204.</summary>
    public static async Task<IResult> Delete(
        [FromRoute(Name = "account_id")] string accountId, string identifier, HttpRequest request, VideoService videos, Hosting.PublicUrls urls, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Tus.TusHeaders.IsTus(request))
        {
            return await Tus.TusApi.Terminate(new Tus.TusAccess(identifier, accountId, null), services.GetRequiredService<Tus.TusService>(), cancellationToken);
        }

        await videos.DeleteAsync(accountId, identifier, cancellationToken);
        return TypedResults.Ok(Envelope.Ok("ok"));
    }
}
