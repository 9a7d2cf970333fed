using System.Text;
using System.Text.Json;
using Downstream.Server.Api;

namespace Downstream.Server.Signing;

/// <summary>
/// The body of <c>POST .../stream/{identifier}/token</c>, all optional: none, <c>{}</c> or any of the fields.
/// A wrong field is a 400 naming it. Pure.
/// </summary>
public sealed record TokenRequest(
    string? KeyId, string? PemBase64, DateTimeOffset Expires, DateTimeOffset NotBefore, bool Downloadable, IReadOnlyList<AccessRule> AccessRules)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    /// <param name="countryKnown">Whether a trusted proxy tells the client's country; without it a country rule could never be kept.</param>
    public static TokenRequest Parse(JsonElement? body, DateTimeOffset now, bool countryKnown)
    {
        string? id = null, pem = null;
        long? exp = null, nbf = null;
        var downloadable = false;
        IReadOnlyList<AccessRule> rules = [];
        if (body is { } json)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                throw ApiErrors.BadRequest("The request body must be a JSON object.");
            }

            foreach (var property in json.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "id":
                        id = value.ValueKind == JsonValueKind.Null ? null : String(value, "id");
                        break;
                    case "pem":
                        pem = value.ValueKind == JsonValueKind.Null ? null : String(value, "pem");
                        break;
                    case "exp":
                        exp = Seconds(value, "exp");
                        break;
                    case "nbf":
                        nbf = Seconds(value, "nbf");
                        break;
                    case "downloadable":
                        downloadable = value.ValueKind switch
                        {
                            JsonValueKind.True => true,
                            JsonValueKind.False or JsonValueKind.Null => false,
                            _ => throw ApiErrors.InvalidParameter("downloadable", value.GetRawText(), "must be true or false"),
                        };
                        break;
                    case "accessRules":
                        rules = Rules(value, countryKnown);
                        break;
                }
            }
        }

        if ((id is null) != (pem is null))
        {
            throw ApiErrors.BadRequest("Give both 'id' and 'pem' of your signing key, or neither to have the server sign.");
        }

        // 0 is what the official SDK's own tests send for "not set".
        var expires = exp is > 0 ? DateTimeOffset.FromUnixTimeSeconds(exp.Value) : now + DefaultLifetime;
        var notBefore = nbf is > 0 ? DateTimeOffset.FromUnixTimeSeconds(nbf.Value) : now - DefaultLifetime;
        if (expires > now + MaxLifetime)
        {
            throw ApiErrors.InvalidParameter("exp", exp.ToString(), "must be at most 24 hours from now");
        }

        if (expires <= now)
        {
            throw ApiErrors.InvalidParameter("exp", exp.ToString(), "must be in the future");
        }

        if (notBefore >= expires)
        {
            throw ApiErrors.InvalidParameter("nbf", nbf.ToString(), "must be before exp");
        }

        return new TokenRequest(id, pem, expires, notBefore, downloadable, rules);
    }

    /// <summary>The PEM text of <see cref="PemBase64"/>; raw PEM is taken too.</summary>
    public string? PemText()
    {
        if (PemBase64 is null)
        {
            return null;
        }

        if (PemBase64.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return PemBase64;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(PemBase64.Trim()));
        }
        catch (FormatException)
        {
            throw ApiErrors.InvalidParameter("pem", null, "must be the base64 of a PEM private key, as POST .../stream/keys returns it");
        }
    }

    private static string String(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 16_384 } text
            ? text
            : throw ApiErrors.InvalidParameter(name, null, "must be a non-empty string");

    private static long? Seconds(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt64(out var seconds) && seconds is >= 0 and < 253_402_300_800 => seconds,
        JsonValueKind.String when long.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds < 253_402_300_800 => seconds,
        _ => throw ApiErrors.InvalidParameter(name, value.GetRawText(), "must be a Unix time in seconds"),
    };

    private static List<AccessRule> Rules(JsonElement value, bool countryKnown)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > AccessRule.MaxRules)
        {
            throw ApiErrors.InvalidParameter("accessRules", null, $"must be a list of at most {AccessRule.MaxRules} rules");
        }

        var rules = new List<AccessRule>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw ApiErrors.InvalidParameter("accessRules", null, "each rule must be an object with 'type' and 'action'");
            }

            var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            var action = item.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
            if (!AccessRule.Types.Contains(type))
            {
                throw ApiErrors.InvalidParameter("accessRules.type", type, "must be any, ip.src or ip.geoip.country");
            }

            if (!AccessRule.Actions.Contains(action))
            {
                throw ApiErrors.InvalidParameter("accessRules.action", action, "must be allow or block");
            }

            var ips = Strings(item, "ip");
            var countries = Strings(item, "country");
            if (type == "ip.src")
            {
                if (ips is not { Count: > 0 } || ips.Any(ip => !AccessRule.TryParseRange(ip, out _)))
                {
                    throw ApiErrors.InvalidParameter("accessRules.ip", ips is null ? null : string.Join(",", ips), "must list IP addresses or CIDR ranges");
                }
            }

            if (type == "ip.geoip.country")
            {
                if (!countryKnown)
                {
                    throw ApiErrors.BadRequest(
                        "Country rules need the client's country from a trusted proxy; this server is not set up for it (DOWNSTREAM_TRUST_COUNTRY_HEADER).");
                }

                if (countries is not { Count: > 0 } || countries.Any(c => c.Length != 2 || !c.All(char.IsAsciiLetter)))
                {
                    throw ApiErrors.InvalidParameter("accessRules.country", countries is null ? null : string.Join(",", countries), "must list ISO 3166 two-letter country codes");
                }
            }

            rules.Add(new AccessRule(type, action, type == "ip.geoip.country" ? countries : null, type == "ip.src" ? ips : null));
        }

        return rules;
    }

    private static List<string>? Strings(JsonElement rule, string name)
    {
        if (!rule.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > 100 || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw ApiErrors.InvalidParameter($"accessRules.{name}", null, "must be a list of at most 100 strings");
        }

        return [.. list.EnumerateArray().Select(e => e.GetString()!)];
    }
}
