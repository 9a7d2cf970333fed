using System.Net;
using System.Text.Json.Serialization;

namespace Downstream.Server.Signing;

/// <summary>One of a token's <c>accessRules</c>: evaluated first to last, the first that matches decides.</summary>
public sealed record AccessRule(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("country"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Country = null,
    [property: JsonPropertyName("ip"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Ip = null)
{
    public const int MaxRules = 5;

    public static readonly string[] Types = ["any", "ip.src", "ip.geoip.country"];

    public static readonly string[] Actions = ["allow", "block"];

    /// <summary>Whether this rule applies to a client with this address and (when known) country.</summary>
    public bool Matches(IPAddress? address, string? country) => Type switch
    {
        "any" => true,
        "ip.src" => address is not null && (Ip ?? []).Any(range => InRange(address, range)),
        "ip.geoip.country" => country is not null && (Country ?? []).Any(c => string.Equals(c, country, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    /// <summary>Allowed when no rule matches, as Cloudflare does; otherwise the first match's action.</summary>
    public static bool Allows(IReadOnlyList<AccessRule> rules, IPAddress? address, string? country) =>
        rules.FirstOrDefault(rule => rule.Matches(address, country)) is not { } first || first.Action == "allow";

    public static bool TryParseRange(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    private static bool InRange(IPAddress address, string range)
    {
        if (!TryParseRange(range, out var network))
        {
            return false;
        }

        var candidate = address.IsIPv4MappedToIPv6 && network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? address.MapToIPv4()
            : address;
        return network.Contains(candidate);
    }
}
