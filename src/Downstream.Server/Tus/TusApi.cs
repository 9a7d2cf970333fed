using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Tus;

/// <summary>
/// tus 1.0.0: creation on <c>POST .../stream</c> (with <c>Tus-Resumable</c>; <c>?direct_user=true</c> for a
/// credential-free URL), then HEAD, PATCH and DELETE on the upload's URL: <c>.../stream/{uid}</c> with the API
/// credential, or <c>/tus/{uid}?token=...</c> for direct_user uploads, with CORS by the video's <c>allowedOrigins</c>.
/// </summary>
public static class TusApi
{
    /// <summary>HEAD and PATCH on <c>.../stream/{identifier}</c>; creation and termination share their routes with the video API.</summary>
    public static RouteGroupBuilder MapTusApi(this RouteGroupBuilder stream)
    {
        stream.MapMethods("/{identifier}", [HttpMethods.Head], (string identifier, [FromRoute(Name = "account_id")] string accountId, HttpContext context, TusService tus, CancellationToken ct) =>
            Head(new TusAccess(identifier, accountId, null), context, tus, ct))
            .WithTags("Stream Videos").WithSummary("Tus upload offset").Produces(StatusCodes.Status200OK).ProducesErrors(401, 403, 404, 410);
        stream.MapMethods("/{identifier}", [HttpMethods.Patch], (string identifier, [FromRoute(Name = "account_id")] string accountId, HttpContext context, TusService tus, CancellationToken ct) =>
            Patch(new TusAccess(identifier, accountId, null), context, tus, ct))
            .WithTags("Stream Videos").WithSummary("Tus upload chunk").WithRequestBody<byte[]>("application/offset+octet-stream")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(400, 401, 403, 404, 409, 410, 413, 415, 423);
        return stream;
    }

    /// <summary>Routes that need no credential: discovery (OPTIONS) and the direct_user upload URLs.</summary>
    public static IEndpointRouteBuilder MapTusUrls(this IEndpointRouteBuilder app, IEnumerable<string> apiPrefixes)
    {
        foreach (var prefix in apiPrefixes)
        {
            var discovery = app.MapGroup($"{prefix}/accounts/{{account_id}}/stream").WithTags("Stream Videos").NoCredential();
            if (prefix.Length == 0)
            {
                discovery.ExcludeFromDescription();
            }

            discovery.MapMethods("", [HttpMethods.Options], Options).WithSummary("Tus discovery").Produces(StatusCodes.Status204NoContent);
            discovery.MapMethods("/{identifier}", [HttpMethods.Options], Options).WithSummary("Tus discovery of an upload").Produces(StatusCodes.Status204NoContent);
        }

        var direct = app.MapGroup("/tus/{uid}").WithTags("Direct upload URLs").NoCredential();

        direct.MapMethods("", [HttpMethods.Head], (string uid, string? token, HttpContext context, TusService tus, CancellationToken ct) =>
            Direct(uid, context, tus, () => Head(new TusAccess(uid, null, token), context, tus, ct), ct))
            .WithSummary("Tus upload offset at a creator's URL").Produces(StatusCodes.Status200OK).ProducesErrors(401, 404, 410);
        direct.MapMethods("", [HttpMethods.Patch], (string uid, string? token, HttpContext context, TusService tus, CancellationToken ct) =>
            Direct(uid, context, tus, () => Patch(new TusAccess(uid, null, token), context, tus, ct), ct))
            .WithSummary("Tus upload chunk at a creator's URL").WithRequestBody<byte[]>("application/offset+octet-stream")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(400, 401, 404, 409, 410, 413, 415, 423);
        direct.MapMethods("", [HttpMethods.Delete], (string uid, string? token, HttpContext context, TusService tus, CancellationToken ct) =>
            Direct(uid, context, tus, () => Terminate(new TusAccess(uid, null, token), tus, ct), ct))
            .WithSummary("Stop a tus upload at a creator's URL").Produces(StatusCodes.Status204NoContent).ProducesErrors(401, 404);
        direct.MapMethods("", [HttpMethods.Options], Preflight).WithSummary("Creator's tus URL preflight").Produces(StatusCodes.Status204NoContent);
        return app;
    }

    public static async Task<IResult> Create(string accountId, HttpContext context, TusService tus, PublicUrls urls, CancellationToken cancellationToken)
    {
        var directUser = context.Request.Query["direct_user"].ToString() is var flag && flag.Equals("true", StringComparison.OrdinalIgnoreCase);
        var created = await tus.CreateAsync(accountId, context.Request, directUser, urls.Base(context.Request), cancellationToken);
        var headers = context.Response.Headers;
        headers.Location = created.Location;
        headers[TusHeaders.MediaId] = created.Video.Uid;
        headers.AccessControlExposeHeaders = TusHeaders.Exposed;
        if (created.Upload.State == TusUploadStates.Open)
        {
            headers[TusHeaders.UploadExpires] = TusHeaders.Date(created.Upload.Expires);
        }

        return TypedResults.StatusCode(StatusCodes.Status201Created);
    }

    public static async Task<IResult> Terminate(TusAccess access, TusService tus, CancellationToken cancellationToken)
    {
        await tus.TerminateAsync(access, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Head(TusAccess access, HttpContext context, TusService tus, CancellationToken cancellationToken)
    {
        var upload = await tus.HeadAsync(access, cancellationToken);
        Describe(context.Response, upload);
        context.Response.Headers[TusHeaders.UploadLength] = upload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (upload.Metadata is not null)
        {
            context.Response.Headers[TusHeaders.UploadMetadata] = upload.Metadata;
        }

        return TypedResults.Ok();
    }

    private static async Task<IResult> Patch(TusAccess access, HttpContext context, TusService tus, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), TusHeaders.OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, ApiErrors.BadRequestCode,
                $"A tus PATCH must have Content-Type: {TusHeaders.OffsetContentType}.");
        }

        var offset = TusHeaders.ReadLength(request.Headers, TusHeaders.UploadOffset)
            ?? throw ApiErrors.BadRequest("Upload-Offset is required: where this chunk starts.");
        var upload = await tus.PatchAsync(access, offset, request, cancellationToken);
        Describe(context.Response, upload);
        return TypedResults.NoContent();
    }

    private static void Describe(HttpResponse response, TusUpload upload)
    {
        response.Headers[TusHeaders.UploadOffset] = upload.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        if (upload.State == TusUploadStates.Open)
        {
            response.Headers[TusHeaders.UploadExpires] = TusHeaders.Date(upload.Expires);
        }
    }

    private static NoContent Options(HttpContext context, IOptions<DownstreamOptions> options)
    {
        Announce(context.Response, options.Value);
        return TypedResults.NoContent();
    }

    /// <summary>tus discovery and the browser's CORS preflight for a direct_user URL, which answers only allowed origins.</summary>
    private static async Task<IResult> Preflight(string uid, HttpContext context, TusService tus, IOptions<DownstreamOptions> options, CancellationToken cancellationToken)
    {
        if (!await tus.OriginAllowedAsync(uid, context.Request, cancellationToken))
        {
            throw ApiErrors.Forbidden("This upload URL does not take uploads from this origin.");
        }

        Delivery.OriginRules.AllowCaller(context, TusHeaders.Exposed);
        context.Response.Headers.AccessControlAllowMethods = "POST, HEAD, PATCH, DELETE, OPTIONS";
        context.Response.Headers.AccessControlAllowHeaders = TusHeaders.Allowed;
        context.Response.Headers.AccessControlMaxAge = "600";
        Announce(context.Response, options.Value);
        return TypedResults.NoContent();
    }

    private static void Announce(HttpResponse response, DownstreamOptions options)
    {
        response.Headers[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
        response.Headers[TusHeaders.Version] = TusHeaders.SupportedVersion;
        response.Headers[TusHeaders.Extension] = TusHeaders.Extensions;
        response.Headers[TusHeaders.MaxSize] = options.MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A direct_user request: refused for a page outside the video's allowedOrigins, readable by an allowed one.</summary>
    private static async Task<IResult> Direct(string uid, HttpContext context, TusService tus, Func<Task<IResult>> handle, CancellationToken cancellationToken)
    {
        if (!await tus.OriginAllowedAsync(uid, context.Request, cancellationToken))
        {
            throw ApiErrors.Forbidden("This video's allowedOrigins do not include the page this upload comes from.");
        }

        Delivery.OriginRules.AllowCaller(context, TusHeaders.Exposed);
        return await handle();
    }
}
