using Downstream.Server.Delivery;

namespace Downstream.Server.Tests.Unit;

public sealed class OriginRulesTests
{
    private const string List = """["example.com", "*.videos.example.org", "localhost:8443"]""";

    [Theory]
    [InlineData("[]", "https://anyone.test", null, true)]
    [InlineData(List, null, null, true)]
    [InlineData(List, "https://example.com", null, true)]
    [InlineData(List, "https://EXAMPLE.com:444", null, true)]
    [InlineData(List, "https://a.videos.example.org", null, true)]
    [InlineData(List, "https://a.b.videos.example.org", null, true)]
    [InlineData(List, "https://localhost:8443", null, true)]
    [InlineData(List, null, "https://example.com/watch?v=1", true)]
    [InlineData(List, "https://evil.test", null, false)]
    [InlineData(List, "https://example.com.evil.test", null, false)]
    [InlineData(List, "https://videos.example.org", null, false)]
    [InlineData(List, "https://evilvideos.example.org", null, false)]
    [InlineData(List, "https://localhost:9000", null, false)]
    [InlineData(List, null, "https://evil.test/page", false)]
    [InlineData(List, "null", null, false)]
    [InlineData(List, "https://evil.test", "https://example.com/", false)]
    public void Browser_requests_are_held_to_the_list(string allowed, string? origin, string? referer, bool expected)
    {
        Assert.Equal(expected, OriginRules.Allows(allowed, origin, referer));
    }
}
