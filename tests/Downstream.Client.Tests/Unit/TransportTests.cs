using System.Net;
using Downstream.Client.Exceptions;
using Downstream.Client.Models;
using static Downstream.Client.Tests.Unit.FakeHandler;

namespace Downstream.Client.Tests.Unit;

public sealed class TransportTests
{
    private const string Account = "023e105f4ecef8ad9ca31a8372d0c353";
    private const string Video = "ea95132c15732412d22c1476fa83f27a";
    private static readonly DownloadGetParams Params = new() { AccountId = Account };

    // The example answer of the API page (seed-list-downloads.txt), byte for byte in structure.
    private const string PageExample = """
        {
          "errors": [{"code": 1000, "message": "message", "documentation_url": "documentation_url", "source": {"pointer": "pointer"}}],
          "messages": [{"code": 1000, "message": "message", "documentation_url": "documentation_url", "source": {"pointer": "pointer"}}],
          "success": true,
          "result": {
            "audio": {"percentComplete": 0, "status": "ready", "url": "https://customer-m033z5x00ks6nunl.cloudflarestream.com/ea95132c15732412d22c1476fa83f27a/downloads/default.mp4"},
            "default": {"percentComplete": 0, "status": "ready", "url": "https://customer-m033z5x00ks6nunl.cloudflarestream.com/ea95132c15732412d22c1476fa83f27a/downloads/default.mp4"}
          }
        }
        """;

    private const string Error404 = """{"result":null,"success":false,"errors":[{"code":10003,"message":"Video not found: x"}],"messages":[]}""";

    private static (CloudflareClient Client, FakeHandler Handler, InstantTime Time) Make(ClientOptions? options, params Func<HttpRequestMessage, HttpResponseMessage>[] answers)
    {
        var handler = new FakeHandler(answers);
        var time = new InstantTime();
        var client = new CloudflareClient(options ?? new ClientOptions { ApiToken = "t", BaseUrl = "http://api.test/client/v4" }, new HttpClient(handler), time);
        return (client, handler, time);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(200)]
    public async Task Wait_until_ready_polls_a_server_without_live_events_as_cloudflare_is(int eventsStatus)
    {
        // Cloudflare has no event stream: its answer is a 404 envelope (or, from some proxy, JSON that is no stream).
        const string NoRoute = """{"result":null,"success":false,"errors":[{"code":7003,"message":"No route for the URI"}],"messages":[]}""";
        var (client, handler, _) = Make(null,
            _ => Json((HttpStatusCode)eventsStatus, eventsStatus == 404 ? NoRoute : PageExample),
            _ => Json(HttpStatusCode.OK, """{"result":{"default":{"status":"inprogress","percentComplete":40,"url":"u"}},"success":true,"errors":[],"messages":[]}"""),
            _ => Json(HttpStatusCode.OK, """{"result":{"default":{"status":"ready","percentComplete":100,"url":"u","size":7}},"success":true,"errors":[],"messages":[]}"""));
        var percents = new List<double>();
        var ready = await client.Stream.Downloads.WaitUntilReady(Video, DownloadType.Default, Params, new SyncProgress(percents.Add));

        Assert.Equal((DownloadStatus.Ready, 7L), (ready.Status, ready.Size));
        Assert.Equal([40.0, 100.0], percents);
        Assert.EndsWith("/downloads/events", handler.Requests[0].RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(3, handler.Requests.Count);
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    [Fact]
    public async Task Decodes_the_example_of_the_api_page()
    {
        var (client, handler, _) = Make(null, _ => Json(HttpStatusCode.OK, PageExample));
        var downloads = await client.Stream.Downloads.Get(Video, Params);

        Assert.Equal(DownloadStatus.Ready, downloads.Default!.Status);
        Assert.Equal(0, downloads.Default.PercentComplete);
        Assert.StartsWith("https://customer-m033z5x00ks6nunl", downloads.Audio!.Url, StringComparison.Ordinal);
        Assert.Equal(downloads.Audio, downloads[DownloadType.Audio]);
        var request = Assert.Single(handler.Requests);
        Assert.Equal($"http://api.test/client/v4/accounts/{Account}/stream/{Video}/downloads", request.RequestUri!.ToString());
        Assert.Equal("Bearer t", request.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task Unknown_values_and_types_do_not_throw()
    {
        var (client, _, _) = Make(null, _ => Json(HttpStatusCode.OK,
            """{"result":{"default":{"status":"paused","percentComplete":12.5},"hd":{"status":"ready","percentComplete":100,"url":"u"}},"success":true,"errors":[],"messages":[]}"""));
        var downloads = await client.Stream.Downloads.Get(Video, Params);
        Assert.Equal("paused", downloads.Default!.Status.Value);
        Assert.Equal(DownloadStatus.Ready, downloads[new DownloadType("hd")]!.Status);
    }

    [Fact]
    public async Task Retries_5xx_then_succeeds_counting_attempts_in_a_header()
    {
        var (client, handler, _) = Make(null,
            _ => Json(HttpStatusCode.ServiceUnavailable, "{}"),
            _ => Json(HttpStatusCode.InternalServerError, "{}"),
            _ => Json(HttpStatusCode.OK, PageExample));
        await client.Stream.Downloads.Get(Video, Params);
        Assert.Equal(["0", "1", "2"], handler.Requests.Select(r => r.Headers.GetValues("X-Stainless-Retry-Count").Single()));
    }

    [Fact]
    public async Task Honours_retry_after_ms()
    {
        var (client, handler, time) = Make(null,
            _ => Json(HttpStatusCode.TooManyRequests, "{}", ("retry-after-ms", "1234")),
            _ => Json(HttpStatusCode.OK, PageExample));
        await client.Stream.Downloads.Get(Video, Params);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains(TimeSpan.FromMilliseconds(1234), time.Delays);
    }

    [Fact]
    public async Task Gives_up_after_max_retries_with_the_status_exception()
    {
        var (client, handler, _) = Make(new ClientOptions { ApiToken = "t", BaseUrl = "http://api.test", MaxRetries = 3 },
            _ => Json(HttpStatusCode.TooManyRequests, """{"result":null,"success":false,"errors":[{"code":10429,"message":"slow down"}],"messages":[]}"""));
        var error = await Assert.ThrowsAsync<RateLimitException>(() => client.Stream.Downloads.Get(Video, Params));
        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(10429, error.Errors[0].Code);
    }

    [Theory]
    [InlineData(400, typeof(BadRequestException))]
    [InlineData(401, typeof(AuthenticationException))]
    [InlineData(403, typeof(PermissionDeniedException))]
    [InlineData(404, typeof(NotFoundException))]
    [InlineData(422, typeof(UnprocessableEntityException))]
    [InlineData(413, typeof(ApiException))]
    public async Task Client_errors_are_not_retried_and_map_to_their_exception(int status, Type expected)
    {
        var (client, handler, _) = Make(null, _ => Json((HttpStatusCode)status, Error404));
        var error = await Assert.ThrowsAnyAsync<ApiException>(() => client.Stream.Downloads.Get(Video, Params));
        Assert.Equal(expected, error.GetType());
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("Video not found: x", error.Errors[0].Message);
        Assert.Contains("Video not found", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task X_should_retry_false_stops_retries()
    {
        var (client, handler, _) = Make(null, _ => Json(HttpStatusCode.ServiceUnavailable, "{}", ("x-should-retry", "false")));
        await Assert.ThrowsAsync<InternalServerException>(() => client.Stream.Downloads.Get(Video, Params));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Connection_failures_are_retried_then_raised_as_their_own_exception()
    {
        var (client, handler, _) = Make(null, _ => throw new HttpRequestException("connection refused"));
        var error = await Assert.ThrowsAsync<ConnectionException>(() => client.Stream.Downloads.Get(Video, Params));
        Assert.False(error.IsTimeout);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A_slow_attempt_times_out()
    {
        var handler = new SlowHandler();
        using var client = new CloudflareClient(new ClientOptions { ApiToken = "t", BaseUrl = "http://api.test", MaxRetries = 0, Timeout = TimeSpan.FromMilliseconds(100) }, new HttpClient(handler));
        var error = await Assert.ThrowsAsync<ConnectionException>(() => client.Stream.Downloads.Get(Video, Params));
        Assert.True(error.IsTimeout);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_retried()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var (client, handler, _) = Make(null, _ => Json(HttpStatusCode.OK, PageExample));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Stream.Downloads.Get(Video, Params, cancel.Token));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Global_key_sends_email_and_key_headers()
    {
        var (client, handler, _) = Make(new ClientOptions { ApiEmail = "user@example.com", ApiKey = "k", BaseUrl = "http://api.test" },
            _ => Json(HttpStatusCode.OK, """{"result":"ok","success":true,"errors":[],"messages":[]}"""));
        Assert.Equal("ok", await client.Stream.Downloads.Delete(Video, new DownloadDeleteParams { AccountId = Account, Type = DownloadType.Audio }));
        var request = Assert.Single(handler.Requests);
        Assert.Equal("user@example.com", request.Headers.GetValues("X-Auth-Email").Single());
        Assert.Equal("k", request.Headers.GetValues("X-Auth-Key").Single());
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.EndsWith("/downloads/audio", request.RequestUri!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_path_parameters_are_refused_before_sending()
    {
        var (client, handler, _) = Make(null, _ => Json(HttpStatusCode.OK, PageExample));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Stream.Downloads.Get("", Params));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Stream.Downloads.Get(Video, new DownloadGetParams { AccountId = " " }));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void Options_fall_back_to_the_sdk_environment_variables()
    {
        var names = new[] { "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_BASE_URL", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY" };
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("CLOUDFLARE_API_TOKEN", "from-env");
            Environment.SetEnvironmentVariable("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9/client/v4/");
            var options = new ClientOptions().WithEnvironmentDefaults();
            Assert.Equal(("from-env", "http://127.0.0.1:9/client/v4"), (options.ApiToken, options.BaseUrl));
            Assert.Equal("explicit", (new ClientOptions { ApiToken = "explicit" }).WithEnvironmentDefaults().ApiToken);

            Environment.SetEnvironmentVariable("CLOUDFLARE_BASE_URL", null);
            Assert.Equal(ClientOptions.CloudflareBaseUrl, new ClientOptions().WithEnvironmentDefaults().BaseUrl);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Fact]
    public void Dependency_injection_builds_a_client_from_the_factory()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddCloudflareClient(_ => new ClientOptions { ApiToken = "t", BaseUrl = "http://api.test" });
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var client = (CloudflareClient)provider.GetService(typeof(CloudflareClient))!;
        Assert.Equal("http://api.test", client.Options.BaseUrl);
    }

    private sealed class SlowHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
