using System.Net;
using System.Text.Json;
using Downstream.Server.Hosting;
using Downstream.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Downstream.Server.Tests.Integration;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, the reference at <c>/docs</c>, and that no route goes undescribed.</summary>
[Collection(ServerCollection.Name)]
public sealed class ApiDocumentTests(ServerFixture fixture)
{
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task The_document_is_valid_openapi_with_cloudflares_names_envelopes_and_error_statuses()
    {
        var json = await Http.GetStringAsync("/openapi/v1.json");
        var read = OpenApiDocument.Parse(json, OpenApiConstants.Json, new OpenApiReaderSettings());
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        var document = read.Document!;
        Assert.Empty(document.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet()) ?? []);

        using var raw = JsonDocument.Parse(json);
        var schemas = raw.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var name in (string[])["stream_videos", "stream_video_response_single", "stream_video_response_collection", "stream_downloads_response",
            "stream_downloads", "stream_api-response-common-failure", "stream_video_copy_request", "stream_signed_token_request", "stream_webhook_request"])
        {
            Assert.True(schemas.TryGetProperty(name, out _), $"no schema {name}");
        }

        var envelope = schemas.GetProperty("stream_downloads_response").GetProperty("properties");
        Assert.Equal(["result", "success", "errors", "messages"], envelope.EnumerateObject().Select(p => p.Name));

        var paths = raw.RootElement.GetProperty("paths");
        var list = paths.GetProperty("/client/v4/accounts/{account_id}/stream/{identifier}/downloads").GetProperty("get");
        Assert.Equal("#/components/schemas/stream_downloads_response", list.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        foreach (var status in (string[])["400", "401", "403", "404"])
        {
            Assert.Equal("#/components/schemas/stream_api-response-common-failure",
                list.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        }

        var copy = paths.GetProperty("/client/v4/accounts/{account_id}/stream/copy").GetProperty("post");
        Assert.Equal("#/components/schemas/stream_video_copy_request", copy.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());

        // Every operation is named, summarized and unique; media asks for no credential, the API for one.
        var ids = new HashSet<string>();
        foreach (var path in paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is not ("parameters" or "summary" or "description")))
            {
                Assert.True(ids.Add(operation.Value.GetProperty("operationId").GetString()!), $"{operation.Name} {path.Name}: operationId repeated");
                Assert.False(string.IsNullOrWhiteSpace(operation.Value.GetProperty("summary").GetString()), $"{operation.Name} {path.Name}: no summary");
                Assert.NotEmpty(operation.Value.GetProperty("tags").EnumerateArray());
            }
        }

        Assert.Equal(0, paths.GetProperty("/{uid}/downloads/{file}").GetProperty("get").GetProperty("security").GetArrayLength());
        Assert.Equal(2, raw.RootElement.GetProperty("security").GetArrayLength());
    }

    [Fact]
    public async Task Every_mapped_route_is_in_the_document_or_is_the_root_twin_of_one_that_is()
    {
        var documented = await DocumentedAsync();
        var mapped = MappedRoutes();
        Assert.True(mapped.Count > 40, $"only {mapped.Count} routes mapped: the app was not built as the server builds it");

        var pages = new[] { "/", "/openapi/v1.json" };
        var missing = mapped
            .Where(r => !documented.Contains(r))
            .Where(r => !(r.Path.StartsWith("/accounts/", StringComparison.Ordinal) || r.Path == "/user/tokens/verify") || !documented.Contains(r with { Path = "/client/v4" + r.Path }))
            .Where(r => !pages.Contains(r.Path) && !r.Path.StartsWith("/docs", StringComparison.Ordinal) && r.Path != "/metrics")
            .Select(r => $"{r.Method} {r.Path}")
            .ToList();
        Assert.True(missing.Count == 0, "not in /openapi/v1.json: " + string.Join(", ", missing));

        // And nothing is described that is not served.
        var ghosts = documented.Where(d => !mapped.Contains(d)).Select(d => $"{d.Method} {d.Path}").ToList();
        Assert.True(ghosts.Count == 0, "described but not mapped: " + string.Join(", ", ghosts));
    }

    [Fact]
    public async Task The_reference_at_docs_is_served_with_its_script_from_this_server()
    {
        using var page = await Http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.", html, StringComparison.OrdinalIgnoreCase);
        using var script = await Http.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    private async Task<HashSet<Route>> DocumentedAsync()
    {
        using var raw = JsonDocument.Parse(await Http.GetStringAsync("/openapi/v1.json"));
        return [.. raw.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name is not ("parameters" or "summary" or "description" or "servers"))
                .Select(o => new Route(o.Name.ToUpperInvariant(), p.Name)))];
    }

    /// <summary>The routes the server maps, read from an app built as Program builds it (nothing is started).</summary>
    private static HashSet<Route> MappedRoutes()
    {
        using var data = new TempDir();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Downstream:DataDir"] = data.Path,
            ["Downstream:AccountId"] = ServerProcess.AccountId,
        });
        builder.AddDownstream();
        var app = builder.Build();
        app.MapDownstreamRoutes(NodeRoles.All);
        return [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new Route(m, "/" + e.RoutePattern.RawText!.Trim('/'))))];
    }

    private sealed record Route(string Method, string Path);
}
