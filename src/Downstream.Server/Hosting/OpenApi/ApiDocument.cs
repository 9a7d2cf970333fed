using Downstream.Server.Api;
using Downstream.Server.Downloads;
using Downstream.Server.Videos;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Downstream.Server.Hosting.OpenApi;

/// <summary>
/// <c>/openapi/v1.json</c> (Microsoft.AspNetCore.OpenApi) and the API reference at <c>/docs</c> (Scalar).
/// The document lists the <c>/client/v4</c> routes; the same routes at the root are left out of it, as they
/// are the same operations. Shapes carry Cloudflare's schema names.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    private static readonly Dictionary<Type, string> SchemaNames = new()
    {
        [typeof(VideoDto)] = "stream_videos",
        [typeof(Envelope<VideoDto>)] = "stream_video_response_single",
        [typeof(VideoListEnvelope)] = "stream_video_response_collection",
        [typeof(VideoStatusDto)] = "stream_status",
        [typeof(DownloadDto)] = "stream_downloads",
        [typeof(Envelope<Dictionary<string, DownloadDto>>)] = "stream_downloads_response",
        [typeof(Envelope<string>)] = "stream_deleted_response",
        [typeof(Envelope<object>)] = "stream_api-response-common-failure",
        [typeof(ApiMessage)] = "stream_messages",
        [typeof(Envelope<DirectUploadDto>)] = "stream_direct_upload_response",
        [typeof(Envelope<Signing.KeyCreatedDto>)] = "stream_key_generation_response",
        [typeof(Envelope<List<Signing.KeyDto>>)] = "stream_key_response_collection",
        [typeof(Envelope<Signing.TokenDto>)] = "stream_signed_token_response",
        [typeof(Envelope<Webhooks.WebhookDto>)] = "stream_webhook_response_single",
        [typeof(Envelope<Auth.TokenVerifyDto>)] = "iam_api-response-single-id",
        [typeof(Envelope<HealthDto>)] = "downstream_health_response",
        [typeof(VideoInputDto)] = "stream_input",
        [typeof(Api.RawJson)] = "stream_media_metadata",
        [typeof(DirectUploadDto)] = "stream_direct_upload",
        [typeof(Signing.KeyCreatedDto)] = "stream_keys",
        [typeof(Signing.KeyDto)] = "stream_key",
        [typeof(Signing.TokenDto)] = "stream_signed_token",
        [typeof(Signing.AccessRule)] = "stream_accessRules",
        [typeof(Webhooks.WebhookDto)] = "stream_webhooks",
        [typeof(Auth.TokenVerifyDto)] = "iam_token_verify",
        [typeof(HealthDto)] = "downstream_health",
        [typeof(UploadForm)] = "stream_upload_form",
        [typeof(VideoCopyRequest)] = "stream_video_copy_request",
        [typeof(VideoUpdateRequest)] = "stream_video_update",
        [typeof(DirectUploadRequest)] = "stream_direct_upload_request",
        [typeof(SignedTokenRequest)] = "stream_signed_token_request",
        [typeof(WebhookRequest)] = "stream_webhook_request",
    };

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = type => SchemaNames.TryGetValue(type.Type, out var name) ? name : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Downstream: the Cloudflare Stream API, self-hosted",
                    Version = "v4",
                    Description = """
                        Cloudflare's Stream v4 API as Downstream serves it. Every route under `/client/v4` also answers at the root
                        (`/accounts/...`), unchanged. JSON answers are the envelope `{result, success, errors, messages}`; an error has
                        `result: null` and `errors: [{code >= 1000, message}]`, with a deliberate status (408, 409, 429 and 5xx are
                        worth retrying, nothing else). Authenticate with `Authorization: Bearer <API token>`, or
                        `X-Auth-Email` with `X-Auth-Key`. Media (`/{uid}/downloads/...`, `/{uid}/thumbnails/...`) needs no credential;
                        for a video that requires signed URLs put a signed token in place of the uid.
                        """,
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["api_token"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API token with Stream Read or Stream Write." },
                    ["api_email"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Auth-Email" },
                    ["api_key"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Auth-Key" },
                };
                document.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("api_token", document)] = [] },
                    new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference("api_email", document)] = [],
                        [new OpenApiSecuritySchemeReference("api_key", document)] = [],
                    },
                ];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBodyShape>().FirstOrDefault() is { } body)
                {
                    var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
                    var id = SchemaNames.GetValueOrDefault(body.Type);
                    IOpenApiSchema shown = schema;
                    if (id is not null && context.Document is { } document)
                    {
                        document.AddComponent(id, schema);
                        shown = new OpenApiSchemaReference(id, document);
                    }

                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = body.Required,
                        Content = new Dictionary<string, OpenApiMediaType> { [body.ContentType] = new() { Schema = shown } },
                    };
                }

                // Cloudflare's style of operation id: the tag and the summary, in kebab case.
                var tag = operation.Tags?.FirstOrDefault()?.Name ?? "downstream";
                var methods = context.Description.ActionDescriptor.EndpointMetadata.OfType<IHttpMethodMetadata>().FirstOrDefault()?.HttpMethods ?? [];
                // One handler for GET and HEAD is two operations: the HEAD one says so.
                var suffix = methods.Count > 1 && context.Description.HttpMethod == HttpMethods.Head ? " head" : "";
                operation.OperationId ??= Kebab($"{tag} {operation.Summary ?? context.Description.RelativePath}{suffix}");
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<PublicRouteMarker>().Any())
                {
                    // Media and upload URLs carry their own capability (or none): no credential is asked.
                    operation.Security = [];
                }
            });
        });

    public static WebApplication MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi(Path);
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("Downstream API reference")
            // Nothing from other hosts: the page works offline and tells no one it was opened.
            .DisableDefaultFonts()
            .WithOpenApiRoutePattern(Path));
        return app;
    }

    /// <summary>The answers every API route may give besides its own: errors in the envelope.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses.Length > 0 ? statuses : [400, 401, 403, 404, 429])
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Envelope<object>), ["application/json"]));
        }

        return builder;
    }

    /// <summary>
    /// Describes the body a route reads, for the document only. (<c>Accepts</c> would also make routing refuse other
    /// content types with 415, where the handlers answer a clear 400 in the envelope, and accept JSON sent as any type.)
    /// </summary>
    public static RouteHandlerBuilder WithRequestBody<T>(this RouteHandlerBuilder builder, string contentType, bool required = true) =>
        builder.WithMetadata(new RequestBodyShape(typeof(T), contentType, required));

    /// <summary>Marks a route that takes no API credential (media, upload URLs, health).</summary>
    public static TBuilder NoCredential<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new PublicRouteMarker());

    private static string Kebab(string text) =>
        string.Join('-', new string([.. text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ')]).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private sealed class PublicRouteMarker;

    private sealed record RequestBodyShape(Type Type, string ContentType, bool Required);
}
