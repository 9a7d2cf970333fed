using System.Net;
using Downstream.Server.Hosting;
using Downstream.Server.Network;
using Downstream.Server.Tests.Support;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Tests.Unit;

/// <summary>The address rules as data, and the policy with a resolver hook: nothing here opens a connection but to loopback.</summary>
public sealed class AddressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.0")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("192.168.255.255")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("192.0.0.8")]
    [InlineData("192.0.2.1")]
    [InlineData("198.18.0.1")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("2002:c0a8:101::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001::1")]
    [InlineData("100::1")]
    public void Internal_addresses_are_refused(string address)
    {
        Assert.False(AddressRules.IsPublic(IPAddress.Parse(address)), address);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("192.167.255.255")]
    [InlineData("11.0.0.1")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.1")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700::1111")]
    [InlineData("2a00:1450:4001::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_are_allowed(string address)
    {
        Assert.True(AddressRules.IsPublic(IPAddress.Parse(address)), address);
    }

    [Theory]
    [InlineData("http://2130706433/", "127.0.0.1")]
    [InlineData("http://0177.0.0.1/", "127.0.0.1")]
    [InlineData("http://0x7f.0.0.1/", "127.0.0.1")]
    [InlineData("http://127.1/", "127.0.0.1")]
    [InlineData("http://0/", "0.0.0.0")]
    [InlineData("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1")]
    [InlineData("http://[::1]/", "::1")]
    public async Task Numeric_host_forms_are_read_as_the_addresses_they_are_and_refused(string url, string expected)
    {
        var host = new Uri(url).IdnHost;
        var resolved = await new DnsHostResolver().ResolveAsync(host, CancellationToken.None);
        Assert.Contains(IPAddress.Parse(expected), resolved);
        var policy = Policy(new Dictionary<string, string[]>());
        await Assert.ThrowsAsync<OutboundRefusedException>(() => policy.CheckBeforeFetchAsync(new Uri(url), CancellationToken.None));
    }

    [Fact]
    public async Task A_public_looking_name_that_resolves_to_loopback_is_refused_without_connecting()
    {
        await using var listener = FixedAnswerOrigin.Ok();
        var policy = Policy(new() { ["video.example.com"] = ["127.0.0.1"] });
        await Assert.ThrowsAsync<OutboundRefusedException>(() => policy.CheckBeforeFetchAsync(new Uri($"http://video.example.com:{listener.Port}/a.mp4"), CancellationToken.None));
        await Assert.ThrowsAsync<OutboundRefusedException>(async () =>
            await GuardedConnector.ConnectAsync(policy, new DnsEndPoint("video.example.com", listener.Port), CancellationToken.None));
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task A_name_with_public_and_private_addresses_connects_only_to_the_public_ones()
    {
        var policy = Policy(new() { ["mixed.example.com"] = ["10.0.0.1", "93.184.216.34", "127.0.0.1"] });
        Assert.Equal([IPAddress.Parse("93.184.216.34")], await policy.ResolveAllowedAsync("mixed.example.com", CancellationToken.None));
    }

    [Fact]
    public async Task Allowing_private_networks_lets_loopback_through()
    {
        await using var listener = FixedAnswerOrigin.Ok();
        var policy = Policy(new() { ["video.example.com"] = ["127.0.0.1"] }, allowPrivate: true);
        await policy.CheckBeforeFetchAsync(new Uri($"http://video.example.com:{listener.Port}/"), CancellationToken.None);
        await using var stream = await GuardedConnector.ConnectAsync(policy, new DnsEndPoint("video.example.com", listener.Port), CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(listener.Connections), n => n == 1, TimeSpan.FromSeconds(10), "the connection to arrive");
    }

    [Theory]
    [InlineData("ftp://example.com/a.mp4")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://example.com/")]
    [InlineData("http://user:secret@example.com/a.mp4")]
    public void Only_plain_http_and_https_urls_are_fetched(string url)
    {
        Assert.Throws<OutboundRefusedException>(() => OutboundPolicy.CheckUrl(new Uri(url)));
    }

    internal static OutboundPolicy Policy(Dictionary<string, string[]> names, bool allowPrivate = false, Func<IPAddress, bool>? isAllowed = null) =>
        new(new FakeResolver(names), Options.Create(new DownstreamOptions { AllowPrivateNetworks = allowPrivate }), isAllowed);

    /// <summary>The resolver hook: names resolve as the test says; literals as themselves; anything else does not resolve.</summary>
    internal sealed class FakeResolver(Dictionary<string, string[]> names) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses.Select(IPAddress.Parse).ToArray())
            : IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? Task.FromResult<IPAddress[]>([literal])
            : Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }
}
