using System.Security.Cryptography;
using Downstream.Server.Api;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Downstream.Server.Signing;

/// <summary>
/// Makes the RS256 tokens of <c>POST .../stream/{identifier}/token</c>: with the caller's key (<c>id</c> +
/// <c>pem</c>, which must be one of the account's keys) or with the account's own key of the server.
/// Claims: <c>sub</c>, <c>kid</c>, <c>exp</c>, <c>nbf</c>, <c>downloadable</c>, <c>accessRules</c>.
/// </summary>
public sealed class TokenIssuer(SigningKeyService keys)
{
    public async Task<string> IssueAsync(string accountId, string videoUid, TokenRequest request, CancellationToken cancellationToken)
    {
        using var rsa = RSA.Create();
        string kid;
        if (request.KeyId is { } id)
        {
            kid = id;
            ImportPrivate(rsa, request.PemText()!);
            var stored = Ids.IsValid(id) ? await keys.FindAsync(id, cancellationToken) : null;
            if (stored is null || stored.Key.AccountId != accountId || stored.Key.Internal)
            {
                throw ApiErrors.InvalidParameter("id", id, "must be the id of one of this account's signing keys");
            }

            using var storedPublic = RSA.Create();
            storedPublic.ImportFromPem(stored.Key.PublicKeyPem);
            if (!rsa.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(storedPublic.ExportSubjectPublicKeyInfo()))
            {
                throw ApiErrors.InvalidParameter("pem", null, $"is not the private key of signing key {id}");
            }
        }
        else
        {
            var own = await keys.InternalKeyAsync(accountId, cancellationToken);
            kid = own.Id;
            rsa.ImportFromPem(own.PrivateKeyPem);
        }

        var claims = new Dictionary<string, object>
        {
            ["sub"] = videoUid,
            ["kid"] = kid,
            ["exp"] = request.Expires.ToUnixTimeSeconds(),
            ["nbf"] = request.NotBefore.ToUnixTimeSeconds(),
            ["downloadable"] = request.Downloadable,
        };
        if (request.AccessRules.Count > 0)
        {
            claims["accessRules"] = request.AccessRules.Select(Rule).ToList();
        }

        // No provider cache: each call has an RSA object of its own, disposed here.
        var key = new RsaSecurityKey(rsa) { KeyId = kid, CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static Dictionary<string, object> Rule(AccessRule rule)
    {
        var map = new Dictionary<string, object> { ["type"] = rule.Type, ["action"] = rule.Action };
        if (rule.Country is { } country)
        {
            map["country"] = country.ToList<object>();
        }

        if (rule.Ip is { } ip)
        {
            map["ip"] = ip.ToList<object>();
        }

        return map;
    }

    private static void ImportPrivate(RSA rsa, string pem)
    {
        try
        {
            rsa.ImportFromPem(pem);
            if (rsa.KeySize < 2048)
            {
                throw ApiErrors.InvalidParameter("pem", null, "must be an RSA key of at least 2048 bits");
            }

            // A public key imports too, but cannot sign.
            _ = rsa.ExportRSAPrivateKey();
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw ApiErrors.InvalidParameter("pem", null, "must be the base64 of a PEM RSA private key, as POST .../stream/keys returns it");
        }
    }
}
