using System.Globalization;
using System.Net;
using System.Text.Json;
using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Downstream.Server.Signing;

/// <summary>What a verified token grants: one video, of the account whose key signed it.</summary>
public sealed record TokenGrant(string VideoUid, string AccountId, bool Downloadable);

/// <summary>
/// Checks a signed token put in a media URL in place of the video id. A token that is not ours (bad form,
/// not RS256, unknown or deleted key, signature, time) is 401; a good token that does not allow this
/// request (not downloadable, an access rule) is 403. The signature is checked by Microsoft.IdentityModel;
/// the claims are read afterwards, accepting <c>exp</c>/<c>nbf</c> as numbers or strings as Cloudflare issues them.
/// </summary>
public sealed class TokenVerifier(SigningKeyService keys, IOptions<DownstreamOptions> options, TimeProvider time)
{
    /// <summary>How far apart the clocks of whoever signed and this server may be.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    private const int MaxTokenLength = 8 * 1024;
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<TokenGrant> VerifyAsync(string token, HttpContext context, CancellationToken cancellationToken)
    {
        if (token.Length > MaxTokenLength || token.Count(c => c == '.') != 2)
        {
            throw Unauthorized("The URL holds neither a video id nor a signed token.");
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            throw Unauthorized("The signed token is malformed.");
        }

        if (jwt.Alg != SecurityAlgorithms.RsaSha256)
        {
            throw Unauthorized("Signed tokens must be RS256.");
        }

        var kid = jwt.Kid;
        if (!Ids.IsValid(kid) || await keys.FindAsync(kid, cancellationToken) is not { } key)
        {
            throw Unauthorized("The token was not signed with a key of this server, or its key was deleted.");
        }

        var result = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = key.SecurityKey,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = false,
        });
        if (!result.IsValid)
        {
            throw Unauthorized("The token's signature does not verify.");
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var claims = payload.RootElement;
        if (claims.ValueKind != JsonValueKind.Object)
        {
            throw Unauthorized("The signed token is malformed.");
        }

        if (claims.TryGetProperty("kid", out var claimKid) && claimKid.ValueKind == JsonValueKind.String && claimKid.GetString() != kid)
        {
            throw Unauthorized("The token's kid claim and header disagree.");
        }

        var now = time.GetUtcNow();
        var expires = Seconds(claims, "exp") ?? throw Unauthorized("The token has no expiry (exp).");
        if (now > DateTimeOffset.FromUnixTimeSeconds(expires) + ClockSkew)
        {
            throw Unauthorized("The token has expired.");
        }

        if (Seconds(claims, "nbf") is { } notBefore && now + ClockSkew < DateTimeOffset.FromUnixTimeSeconds(notBefore))
        {
            throw Unauthorized("The token is not valid yet (nbf).");
        }

        if (!claims.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String || !Ids.IsValid(sub.GetString()))
        {
            throw ApiErrors.Forbidden("The token names no video (sub).");
        }

        if (!Allows(claims, context))
        {
            throw ApiErrors.Forbidden("The token's access rules do not allow this client.");
        }

        var downloadable = claims.TryGetProperty("downloadable", out var flag) && flag.ValueKind == JsonValueKind.True;
        return new TokenGrant(sub.GetString()!, key.Key.AccountId, downloadable);
    }

    private bool Allows(JsonElement claims, HttpContext context)
    {
        if (!claims.TryGetProperty("accessRules", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        List<AccessRule>? rules;
        try
        {
            rules = list.Deserialize(SigningJsonContext.Default.ListAccessRule);
        }
        catch (JsonException)
        {
            return false;
        }

        if (rules is null || rules.Count > AccessRule.MaxRules || rules.Any(r => !AccessRule.Types.Contains(r.Type) || !AccessRule.Actions.Contains(r.Action)))
        {
            return false;
        }

        var settings = options.Value;
        var country = settings.TrustCountryHeader && context.Request.Headers[settings.CountryHeader].ToString() is { Length: 2 } code ? code : null;
        return AccessRule.Allows(rules, context.Connection.RemoteIpAddress ?? IPAddress.None, country);
    }

    /// <summary>A Unix time claim as a number or as a string of digits; null when absent.</summary>
    private static long? Seconds(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var seconds) => Clamp(seconds),
            JsonValueKind.Number when value.TryGetDouble(out var real) && double.IsFinite(real) => Clamp((long)Math.Min(real, long.MaxValue / 2)),
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) => Clamp(seconds),
            _ => throw Unauthorized($"The token's {name} is not a Unix time."),
        };
    }

    private static long Clamp(long seconds) => Math.Clamp(seconds, -62_135_596_800, 253_402_300_799);

    private static ApiException Unauthorized(string detail) => ApiErrors.Unauthenticated(detail);
}
