using System.Net;
using System.Text.Json;
using Downstream.Server.Api;
using Downstream.Server.Signing;

namespace Downstream.Server.Tests.Unit;

/// <summary>Token access rules and token requests, as data.</summary>
public sealed class AccessRuleTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Theory]
    [InlineData("10.1.2.3", false)]
    [InlineData("10.2.0.1", true)]
    [InlineData("::ffff:10.1.2.3", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("2001:db9::1", true)]
    [InlineData("192.0.2.7", true)]
    public void The_first_matching_rule_decides_and_none_matching_allows(string address, bool allowed)
    {
        AccessRule[] rules =
        [
            new("ip.src", "block", Ip: ["10.1.0.0/16", "2001:db8::/32"]),
            new("ip.src", "allow", Ip: ["10.0.0.0/8"]),
            new("ip.geoip.country", "block", Country: ["FR"]),
        ];
        Assert.Equal(allowed, AccessRule.Allows(rules, IPAddress.Parse(address), country: null));
    }

    [Fact]
    public void Country_rules_match_only_a_known_country_in_any_case()
    {
        AccessRule[] rules = [new("ip.geoip.country", "allow", Country: ["us"]), new("any", "block")];
        Assert.True(AccessRule.Allows(rules, IPAddress.Loopback, "US"));
        Assert.False(AccessRule.Allows(rules, IPAddress.Loopback, "DE"));
        Assert.False(AccessRule.Allows(rules, IPAddress.Loopback, null));
    }

    [Fact]
    public void Token_requests_default_to_an_hour_either_side_and_treat_zero_as_unset()
    {
        var none = TokenRequest.Parse(null, Now, countryKnown: false);
        Assert.Equal((Now.AddHours(1), Now.AddHours(-1), false), (none.Expires, none.NotBefore, none.Downloadable));

        using var zeros = JsonDocument.Parse("""{"exp":0,"nbf":0,"downloadable":true}""");
        var zero = TokenRequest.Parse(zeros.RootElement, Now, countryKnown: false);
        Assert.Equal((Now.AddHours(1), true), (zero.Expires, zero.Downloadable));

        using var strings = JsonDocument.Parse($$"""{"exp":"{{Now.AddMinutes(5).ToUnixTimeSeconds()}}"}""");
        Assert.Equal(Now.AddMinutes(5), TokenRequest.Parse(strings.RootElement, Now, countryKnown: false).Expires);
    }

    [Theory]
    [InlineData("""{"exp":1}""", "exp")]
    [InlineData("""{"nbf":1800003600,"exp":1800001800}""", "nbf")]
    [InlineData("""{"id":"abc"}""", "pem")]
    [InlineData("""{"pem":"abc"}""", "pem")]
    [InlineData("""{"accessRules":[{"type":"ip.src","action":"deny","ip":["1.2.3.4"]}]}""", "accessRules.action")]
    [InlineData("""{"accessRules":[{"type":"asn","action":"allow"}]}""", "accessRules.type")]
    [InlineData("""{"accessRules":[{"type":"ip.src","action":"allow"}]}""", "accessRules.ip")]
    [InlineData("""[]""", "JSON object")]
    public void Bad_token_requests_name_the_field(string json, string names)
    {
        using var document = JsonDocument.Parse(json);
        var error = Assert.Throws<ApiException>(() => TokenRequest.Parse(document.RootElement, Now, countryKnown: true));
        Assert.Equal(400, error.Status);
        Assert.Contains(names, error.Message, StringComparison.Ordinal);
    }
}
