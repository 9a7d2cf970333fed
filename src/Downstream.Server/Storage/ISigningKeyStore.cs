namespace Downstream.Server.Storage;

/// <summary>
/// A key that signs access tokens for an account's videos. For keys users create only the public half is
/// kept; the server's own key of an account (<see cref="Internal"/>) keeps its private half to sign tokens.
/// </summary>
public sealed record SigningKey(string Id, string AccountId, string PublicKeyPem, string? PrivateKeyPem, bool Internal, DateTimeOffset Created);

public interface ISigningKeyStore
{
    /// <summary>Adds a user's key unless the account already has <paramref name="maxPerAccount"/>; false then.</summary>
    Task<bool> AddAsync(SigningKey key, int maxPerAccount, CancellationToken cancellationToken);

    /// <summary>The account's user keys, oldest first (the server's own key is not listed).</summary>
    Task<IReadOnlyList<SigningKey>> ListAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Any key by id, or null (a deleted key is gone: tokens it signed no longer verify).</summary>
    Task<SigningKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deletes one of the account's user keys; false when it has no such key.</summary>
    Task<bool> DeleteAsync(string accountId, string id, CancellationToken cancellationToken);

    /// <summary>The account's own key of the server: <paramref name="candidate"/> when there was none yet.</summary>
    Task<SigningKey> GetOrAddInternalAsync(SigningKey candidate, CancellationToken cancellationToken);
}
