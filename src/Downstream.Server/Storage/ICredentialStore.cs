using Downstream.Server.Auth;

namespace Downstream.Server.Storage;

/// <summary>Accounts, API tokens and global-key users. Only hashes of secrets are stored.</summary>
public interface ICredentialStore
{
    Task EnsureAccountAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken);

    Task SetSettingAsync(string key, string value, CancellationToken cancellationToken);

    Task<bool> AnyCredentialAsync(CancellationToken cancellationToken);

    Task<ApiToken?> FindTokenAsync(byte[] secretHash, CancellationToken cancellationToken);

    /// <summary>Adds the token, or when its secret exists already gives it this account and permission.</summary>
    Task UpsertTokenAsync(ApiToken token, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken);

    Task<bool> RevokeTokenAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    Task<GlobalKeyUser?> FindUserAsync(string email, CancellationToken cancellationToken);

    /// <summary>Creates or re-keys the user and makes it a member of the account.</summary>
    Task UpsertUserAsync(string email, byte[] keyHash, string accountId, DateTimeOffset now, CancellationToken cancellationToken);
}
