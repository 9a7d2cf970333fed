using System.Net;
using Downstream.Server.Hosting;
using Downstream.Server.Network;
using Downstream.Server.Tests.Support;
using Downstream.Server.Videos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Tests.Unit;

/// <summary>The fetcher with a policy that allows exactly 127.0.0.1, so every refusal below happens before any connection.</summary>
public sealed class OriginFetcherTests : IDisposable
{
    private readonly TempDir _dir = new("downstream-fetch");

    [Theory]
    [InlineData("http://internal.test:{port}/video.mp4")]
    [InlineData("http://[::1]:{port}/video.mp4")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.5:{port}/video.mp4")]
    [InlineData("file:///etc/passwd")]
    public async Task A_redirect_to_a_refused_place_is_final_and_is_not_followed(string target)
    {
        await using var second = FixedAnswerOrigin.Ok();
        await using var first = FixedAnswerOrigin.Redirect(target.Replace("{port}", second.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var fetcher = Fetcher(new() { ["internal.test"] = ["10.0.0.5"] });

        var error = await Assert.ThrowsAsync<OriginException>(() => fetcher.FetchAsync(new Uri(first.Url), _dir.File("out"), 1000, CancellationToken.None));
        Assert.True(error.Final);
        Assert.Equal(1, first.Connections);
        Assert.Equal(0, second.Connections);
        Assert.DoesNotContain("10.0.0.5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_are_followed_at_most_five_times()
    {
        await using var loop = FixedAnswerOrigin.Redirect("/video.mp4");
        var error = await Assert.ThrowsAsync<OriginException>(() => Fetcher([]).FetchAsync(new Uri(loop.Url), _dir.File("out"), 1000, CancellationToken.None));
        Assert.True(error.Final);
        Assert.Equal(OriginFetcher.MaxRedirects + 1, loop.Connections);
    }

    [Fact]
    public async Task A_stalled_origin_times_out_with_a_plain_message()
    {
        await using var stalled = FixedAnswerOrigin.Stalled();
        var error = await Assert.ThrowsAsync<OriginException>(() =>
            Fetcher([], idle: TimeSpan.FromMilliseconds(300)).FetchAsync(new Uri(stalled.Url), _dir.File("out"), 1000, CancellationToken.None));
        Assert.False(error.Final);
        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_says_unreachable_and_names_no_address_or_port()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var error = await Assert.ThrowsAsync<OriginException>(() => Fetcher([]).FetchAsync(new Uri($"http://127.0.0.1:{port}/"), _dir.File("out"), 1000, CancellationToken.None));
        Assert.Equal("The origin could not be reached.", error.Message);
    }

    [Fact]
    public void Logged_urls_lose_their_query_and_credentials()
    {
        Assert.Equal("https://cdn.example.com/a/b.mp4", OriginFetcher.Redact(new Uri("https://cdn.example.com/a/b.mp4?X-Amz-Signature=secret#t")));
        Assert.Equal("https://cdn.example.com/b.mp4", OriginFetcher.Redact(new Uri("https://user:pw@cdn.example.com/b.mp4")));
    }

    private static OriginFetcher Fetcher(Dictionary<string, string[]> names, TimeSpan? idle = null)
    {
        var options = Options.Create(new DownstreamOptions { CopyIdleTimeout = idle ?? TimeSpan.FromSeconds(10), CopyConnectTimeout = TimeSpan.FromSeconds(5) });
        var policy = new OutboundPolicy(new AddressRulesTests.FakeResolver(names), options, a => a.Equals(IPAddress.Loopback));
        return new OriginFetcher(new OneClientFactory(GuardedConnector.CreateHandler(policy, TimeSpan.FromSeconds(5))), options, NullLogger<OriginFetcher>.Instance);
    }

    private sealed class OneClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => _dir.Dispose();
}
