using Downstream.Server.Api;
using Downstream.Server.Storage;
using Microsoft.AspNetCore.Http;

namespace Downstream.Server.Auth;

/// <summary>
/// Reads <c>Authorization: Bearer</c> or <c>X-Auth-Email</c> + <c>X-Auth-Key</c>. Missing or unknown
/// credentials are 401; a valid credential that does not reach the account is 403 (see docs/decisions.md).
/// </summary>
public sealed class Authenticator(ICredentialStore credentials, IChangeStamp stamps)
{
    private readonly StampedCache<string, ApiToken?> _tokens = new(stamps);
    private readonly StampedCache<string, GlobalKeyUser?> _users = new(stamps);

    /// <summary>The token a bearer secret names, or null when it is unknown, malformed or revoked.</summary>
    public async Task<ApiToken?> FindActiveTokenAsync(string secret, CancellationToken cancellationToken)
    {
        secret = secret.Trim();
        if (secret.Length is 0 or > 256)
        {
            return null;
        }

        var token = await _tokens.GetOrReadAsync(
            Convert.ToHexString(Secrets.Hash(secret)), (hash, ct) => credentials.FindTokenAsync(Convert.FromHexString(hash), ct), cancellationToken);
        return token is { Revoked: null } ? token : null;
    }

    public async Task<Principal> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                throw ApiErrors.Unauthenticated("The Authorization header must be 'Bearer <API token>'.");
            }

            var token = await FindActiveTokenAsync(authorization["Bearer ".Length..], cancellationToken)
                ?? throw ApiErrors.Unauthenticated("The API token is not valid.");

            return new Principal("token", token.Id, new HashSet<string>(StringComparer.Ordinal) { token.AccountId }, token.CanWrite);
        }

        var email = request.Headers["X-Auth-Email"].ToString();
        var key = request.Headers["X-Auth-Key"].ToString();
        if (email.Length == 0 && key.Length == 0)
        {
            throw ApiErrors.Unauthenticated("No credentials: send 'Authorization: Bearer <API token>' or X-Auth-Email with X-Auth-Key.");
        }

        if (email.Length == 0 || key.Length == 0)
        {
            throw ApiErrors.Unauthenticated(email.Length == 0 ? "X-Auth-Key needs X-Auth-Email beside it." : "X-Auth-Email needs X-Auth-Key beside it.");
        }

        // Only a user whose key was just matched is kept, so a wrong key can never shape what later requests see.
        var user = email.Length <= 254
            ? await _users.GetOrReadAsync(Emails.Normalize(email), credentials.FindUserAsync, cancellationToken,
                keep: found => found is not null && Secrets.Matches(key, found.KeyHash))
            : null;
        if (user is null || !Secrets.Matches(key, user.KeyHash))
        {
            throw ApiErrors.Unauthenticated("Unknown X-Auth-Email or wrong X-Auth-Key.");
        }

        return new Principal("user", user.Email, user.AccountIds, CanWrite: true);
    }
}
