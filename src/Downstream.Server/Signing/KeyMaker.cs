using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Downstream.Server.Api;
using Downstream.Server.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Downstream.Server.Signing;

/// <summary>A new RSA-2048 signing key as Cloudflare hands it out: the private key once, as PEM and as JWK.</summary>
/// <param name="Key">What is stored: the id and the public half (the private half too for the server's own key).</param>
/// <param name="PemBase64">Base64 of the PKCS#1 PEM private key.</param>
/// <param name="JwkBase64">Base64 of the private JWK JSON (<c>kid</c>, <c>alg: RS256</c>, <c>use: sig</c>).</param>
public sealed record NewKey(SigningKey Key, string PemBase64, string JwkBase64)
{
    public static NewKey Make(string accountId, DateTimeOffset now, bool isInternal = false)
    {
        using var rsa = RSA.Create(2048);
        var id = Ids.New();
        var pem = rsa.ExportRSAPrivateKeyPem();
        var p = rsa.ExportParameters(includePrivateParameters: true);
        var jwk = new JsonObject
        {
            ["use"] = "sig",
            ["kty"] = "RSA",
            ["kid"] = id,
            ["alg"] = "RS256",
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["d"] = Base64UrlEncoder.Encode(p.D),
            ["p"] = Base64UrlEncoder.Encode(p.P),
            ["q"] = Base64UrlEncoder.Encode(p.Q),
            ["dp"] = Base64UrlEncoder.Encode(p.DP),
            ["dq"] = Base64UrlEncoder.Encode(p.DQ),
            ["qi"] = Base64UrlEncoder.Encode(p.InverseQ),
        };
        var key = new SigningKey(id, accountId, rsa.ExportSubjectPublicKeyInfoPem(), isInternal ? pem : null, isInternal, now);
        return new NewKey(key, Convert.ToBase64String(Encoding.UTF8.GetBytes(pem)), Convert.ToBase64String(Encoding.UTF8.GetBytes(jwk.ToJsonString())));
    }
}
