using System.Globalization;
using System.Text.Json.Serialization;
using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Hosting.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Downstream.Server.Videos;

public sealed record DirectUploadDto(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("uploadURL")] string UploadUrl,
    [property: JsonPropertyName("scheduledDeletion")] string? ScheduledDeletion,
    [property: JsonPropertyName("watermark")] object? Watermark);

/// <summary>
/// <c>POST .../stream/direct_upload</c> (API credentials) and the upload URL it hands out,
/// <c>/upload/{uid}/{secret}</c> (no credentials: the secret is the capability), with CORS by the
/// video's <c>allowedOrigins</c> so a page on an allowed origin can upload from the browser.
/// </summary>
public static class DirectUploadsApi
{
    public static RouteGroupBuilder MapDirectUploadsApi(this RouteGroupBuilder stream)
    {
        stream.MapPost("/direct_upload", Create).WithTags("Stream Videos").WithSummary("Upload videos via direct upload URLs")
            .WithRequestBody<DirectUploadRequest>("application/json").ProducesErrors();
        return stream;
    }

    public static IEndpointRouteBuilder MapDirectUploadUrls(this IEndpointRouteBuilder app)
    {
        var urls = app.MapGroup("/upload/{uid}/{secret}").WithTags("Direct upload URLs").NoCredential();
        urls.MapPost("", Upload).DisableAntiforgery().WithSummary("Upload to a direct upload URL")
            .WithRequestBody<UploadForm>("multipart/form-data").ProducesErrors(400, 404, 413, 415);
        urls.MapMethods("", [HttpMethods.Options], Preflight).WithSummary("Direct upload URL preflight").Produces(StatusCodes.Status204NoContent);
        return app;
    }

    public static async Task<Ok<Envelope<DirectUploadDto>>> Create(
        [FromRoute(Name = "account_id")] string accountId, HttpRequest request, DirectUploadService uploads, PublicUrls urls, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        var made = await uploads.CreateAsync(accountId, body, urls.Base(request), cancellationToken);
        var deletion = made.Video.ScheduledDeletion?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return TypedResults.Ok(Envelope.Ok(new DirectUploadDto(made.Video.Uid, made.UploadUrl, deletion, null)));
    }

    public static async Task<Ok<Envelope<VideoDto>>> Upload(string uid, string secret, HttpContext context, DirectUploadService uploads, PublicUrls urls, CancellationToken cancellationToken)
    {
        Delivery.OriginRules.AllowCaller(context);
        var video = await uploads.ReceiveAsync(uid, secret, context.Request, cancellationToken);
        return TypedResults.Ok(Envelope.Ok(VideoDto.From(video, urls.Base(context.Request))));
    }

    public static async Task<IResult> Preflight(string uid, HttpContext context, DirectUploadService uploads, CancellationToken cancellationToken)
    {
        if (!await uploads.OriginAllowedAsync(uid, context.Request, cancellationToken))
        {
            throw ApiErrors.Forbidden("This upload URL does not take uploads from this origin.");
        }

        Delivery.OriginRules.AllowCaller(context);
        context.Response.Headers.AccessControlAllowMethods = "POST, OPTIONS";
        context.Response.Headers.AccessControlAllowHeaders = "Content-Type, Upload-Creator";
        context.Response.Headers.AccessControlMaxAge = "600";
        return TypedResults.NoContent();
    }
}
