using System.Text.Json;
using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Hosting.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Downstream.Server.Downloads;

/// <summary>
/// The Downloads API. The bare <c>/downloads</c> routes act on <c>default</c>, as Cloudflare's do;
/// POST ignores its body (none, <c>{}</c> or any JSON) and is idempotent.
/// </summary>
public static class DownloadsApi
{
    public static RouteGroupBuilder MapDownloadsApi(this RouteGroupBuilder stream)
    {
        var downloads = stream.MapGroup("/{identifier}/downloads").WithTags("Stream Video Downloads");
        downloads.MapGet("", List).WithSummary("List downloads")
            .WithDescription("A map keyed by type (`default`, `audio`); a type is present only once created.")
            .Produces<Envelope<Dictionary<string, DownloadDto>>>().ProducesErrors();
        downloads.MapPost("", CreateDefault).WithSummary("Create downloads").WithDescription("Creates the `default` download (an MP4); any body is ignored.").ProducesErrors();
        downloads.MapDelete("", DeleteDefault).WithSummary("Delete downloads").WithDescription("Deletes the `default` download.").ProducesErrors();
        downloads.MapPost("/{download_type}", Create).WithSummary("Create a download of a type").WithDescription("`default` (MP4) or `audio` (M4A).").ProducesErrors();
        downloads.MapDelete("/{download_type}", Delete).WithSummary("Delete a download of a type").ProducesErrors();
        stream.MapDownloadEventsApi();
        return stream;
    }

    public static async Task<FileContentHttpResult> List(
        [FromRoute(Name = "account_id")] string accountId, string identifier, HttpRequest request,
        DownloadService service, PublicUrls urls, CancellationToken cancellationToken)
    {
        var json = await service.ListJsonAsync(accountId, identifier, urls.Base(request),
            downloads => JsonSerializer.SerializeToUtf8Bytes(Envelope.Ok(ToMap(downloads, request, urls)), ApiJsonContext.Default.EnvelopeDictionaryStringDownloadDto),
            cancellationToken);
        return TypedResults.Bytes(json, "application/json");
    }

    public static async Task<Ok<Envelope<Dictionary<string, DownloadDto>>>> Create(
        [FromRoute(Name = "account_id")] string accountId, string identifier, [FromRoute(Name = "download_type")] string downloadType,
        HttpRequest request, DownloadService service, PublicUrls urls, CancellationToken cancellationToken)
    {
        var type = DownloadType.Require(downloadType);
        await JsonBody.ReadAsync(request, cancellationToken);
        var downloads = await service.CreateAsync(accountId, identifier, type, cancellationToken);
        return TypedResults.Ok(Envelope.Ok(ToMap(downloads, request, urls)));
    }

    public static Task<Ok<Envelope<Dictionary<string, DownloadDto>>>> CreateDefault(
        [FromRoute(Name = "account_id")] string accountId, string identifier,
        HttpRequest request, DownloadService service, PublicUrls urls, CancellationToken cancellationToken) =>
        Create(accountId, identifier, DownloadType.Default.Name, request, service, urls, cancellationToken);

    public static Task<Ok<Envelope<string>>> DeleteDefault(
        [FromRoute(Name = "account_id")] string accountId, string identifier, DownloadService service, CancellationToken cancellationToken) =>
        Delete(accountId, identifier, DownloadType.Default.Name, service, cancellationToken);

    public static async Task<Ok<Envelope<string>>> Delete(
        [FromRoute(Name = "account_id")] string accountId, string identifier, [FromRoute(Name = "download_type")] string downloadType,
        DownloadService service, CancellationToken cancellationToken)
    {
        await service.DeleteAsync(accountId, identifier, DownloadType.Require(downloadType), cancellationToken);
        return TypedResults.Ok(Envelope.Ok("ok"));
    }

    public static Dictionary<string, DownloadDto> ToMap(IReadOnlyList<Download> downloads, HttpRequest request, PublicUrls urls) =>
        downloads
            .Select(d => (Download: d, Type: DownloadType.Find(d.Type)))
            .Where(x => x.Type is not null)
            .OrderBy(x => x.Type!.Name == DownloadType.Default.Name ? 0 : 1)
            .ToDictionary(
                x => x.Type!.Name,
                x => DownloadDto.From(x.Download, urls.Media(request, x.Download.VideoUid, x.Type!.FileName)));
}
