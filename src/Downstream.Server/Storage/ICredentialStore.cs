using Downstream.Server.Auth;

namespace Downstream.Server.Storage;

/// <summary>Accounts, API tokens and global-key users. Only hashes of secrets are stored.</summary>
public interface ICredentialStore
{
    Task EnsureAccountAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken);

    Task SetSettingAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>Whether any token (revoked ones too) or user was ever made: only a new data folder gets a first-start token.</summary>
    Task<bool> AnyCredentialAsync(CancellationToken cancellationToken);

    Task<ApiToken?> FindTokenAsync(byte[] secretHash, CancellationToken cancellationToken);

    /// <summary>Adds the token unless its secret exists already (revoked or not, it is left as it is); true when added.</summary>
    Task<bool> AddTokenAsync(ApiToken token, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken);

    Task<bool> RevokeTokenAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The user of a normalised e-mail (<see cref="Auth.Emails.Normalize"/>).</summary>
    Task<GlobalKeyUser?> FindUserAsync(string email, CancellationToken cancellationToken);

    /// <summary>Creates or re-keys the user and makes it a member of the account.</summary>
    Task UpsertUserAsync(string email, byte[] keyHash, string accountId, DateTimeOffset now, CancellationToken cancellationToken);
}
