using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Downstream.Server.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Downstream.Server.Tests.Signing;

/// <summary>Tokens made the way a user signs them with a key from POST .../stream/keys, and forged ones.</summary>
public static class Jwts
{
    /// <summary>RS256 with the base64 PEM the server returned; <paramref name="claims"/> as given.</summary>
    public static string Sign(string pemBase64, string kid, JsonObject claims)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(pemBase64)));
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = kid, ["typ"] = "JWT" };
        var signingInput = $"{Segment(header)}.{Segment(claims)}";
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>The usual claims for <paramref name="uid"/>: valid an hour, downloadable unless said.</summary>
    public static JsonObject Claims(string uid, string kid, bool downloadable = true, JsonArray? accessRules = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject { ["sub"] = uid, ["kid"] = kid, ["exp"] = now + 3600, ["nbf"] = now - 60, ["downloadable"] = downloadable };
        if (accessRules is not null)
        {
            claims["accessRules"] = accessRules;
        }

        return claims;
    }

    /// <summary>The token with its payload changed and its signature kept.</summary>
    public static string Tamper(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        change(payload);
        return $"{parts[0]}.{Segment(payload)}.{parts[2]}";
    }

    /// <summary><c>alg: none</c> and no signature.</summary>
    public static string WithoutSignature(string kid, JsonObject claims) =>
        $"{Segment(new JsonObject { ["alg"] = "none", ["kid"] = kid, ["typ"] = "JWT" })}.{Segment(claims)}.";

    /// <summary>HS256 keyed with the text of a public key: the classic confusion attack.</summary>
    public static string HmacWith(string publicKeyText, string kid, JsonObject claims)
    {
        var signingInput = $"{Segment(new JsonObject { ["alg"] = "HS256", ["kid"] = kid, ["typ"] = "JWT" })}.{Segment(claims)}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(publicKeyText), Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>The public half of a returned key, as PEM text.</summary>
    public static string PublicPem(string pemBase64)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(pemBase64)));
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    private static string Segment(JsonNode node) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(node.ToJsonString()));

    /// <summary>A token's header and payload, read without checking it.</summary>
    public static JsonWebToken Read(string token) => new(token);
}
