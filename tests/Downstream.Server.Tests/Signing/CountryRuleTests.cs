using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Signing;

/// <summary>Country rules, on a server told to believe the country header of the proxy in front of it.</summary>
public sealed class CountryRuleTests : IAsyncLifetime
{
    private readonly TempDir _data = new("downstream-country");
    private readonly MediaFiles _media = new();
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string>
    {
        ["DOWNSTREAM_TRUST_COUNTRY_HEADER"] = "true",
        ["DOWNSTREAM_COUNTRY_HEADER"] = "X-Test-Country",
    });

    [Fact]
    public async Task Only_the_allowed_countries_get_the_file_and_no_header_is_no_country()
    {
        var api = new StreamApi(_server.Http);
        var uid = await api.UploadReadyAsync(await _media.H264AacAsync());
        await api.CreateDownloadAsync(uid);
        await api.WaitForDownloadAsync(uid, "default");
        var rules = new JsonArray(
            new JsonObject { ["type"] = "ip.geoip.country", ["action"] = "allow", ["country"] = new JsonArray("US", "ca") },
            new JsonObject { ["type"] = "any", ["action"] = "block" });
        var body = new JsonObject { ["downloadable"] = true, ["accessRules"] = rules };
        var (status, answer) = await api.SendAsync(HttpMethod.Post, $"{api.Stream}/{uid}/token", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, status);
        var token = answer.GetProperty("result").GetProperty("token").GetString()!;

        async Task<HttpStatusCode> FetchFrom(string? country)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/{token}/downloads/default.mp4");
            if (country is not null)
            {
                request.Headers.Add("X-Test-Country", country);
            }

            using var response = await _server.Http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await FetchFrom("US"));
        Assert.Equal(HttpStatusCode.OK, await FetchFrom("CA"));
        Assert.Equal(HttpStatusCode.Forbidden, await FetchFrom("FR"));
        Assert.Equal(HttpStatusCode.Forbidden, await FetchFrom(null));
        Assert.Equal(HttpStatusCode.Forbidden, await FetchFrom("USA"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _media.Dispose();
        _data.Dispose();
    }
}
