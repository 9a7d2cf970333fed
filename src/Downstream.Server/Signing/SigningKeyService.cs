using System.Security.Cryptography;
using Downstream.Server.Api;
using Downstream.Server.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Downstream.Server.Signing;

/// <summary>A stored key with its public half ready for signature checks.</summary>
public sealed record VerifyingKey(SigningKey Key, RsaSecurityKey SecurityKey);

/// <summary>Creates, lists and deletes an account's signing keys; looks keys up by id for token checks, cached.</summary>
public sealed class SigningKeyService(ISigningKeyStore keys, IChangeStamp stamps, TimeProvider time)
{
    public const int MaxKeysPerAccount = 1000;

    private readonly StampedCache<string, VerifyingKey?> _byId = new(stamps, maxEntries: 4096);

    public async Task<NewKey> CreateAsync(string accountId, CancellationToken cancellationToken)
    {
        var made = NewKey.Make(accountId, time.GetUtcNow());
        return await keys.AddAsync(made.Key, MaxKeysPerAccount, cancellationToken)
            ? made
            : throw ApiErrors.BadRequest($"This account has {MaxKeysPerAccount} signing keys, the most it can have; delete one first.");
    }

    public Task<IReadOnlyList<SigningKey>> ListAsync(string accountId, CancellationToken cancellationToken) => keys.ListAsync(accountId, cancellationToken);

    public async Task DeleteAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(id) || !await keys.DeleteAsync(accountId, id, cancellationToken))
        {
            throw ApiErrors.NotFound($"No signing key {ApiErrors.Shorten(id)} in this account.");
        }
    }

    /// <summary>A live key by id (a user's or the server's own), or null when unknown or deleted.</summary>
    public ValueTask<VerifyingKey?> FindAsync(string id, CancellationToken cancellationToken) =>
        _byId.GetOrReadAsync(id, async (key, ct) => await keys.GetAsync(key, ct) is { } found ? new VerifyingKey(found, PublicKey(found)) : null, cancellationToken);

    /// <summary>The account's own key of the server, made on first use.</summary>
    public Task<SigningKey> InternalKeyAsync(string accountId, CancellationToken cancellationToken) =>
        keys.GetOrAddInternalAsync(NewKey.Make(accountId, time.GetUtcNow(), isInternal: true).Key, cancellationToken);

    private static RsaSecurityKey PublicKey(SigningKey key)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(key.PublicKeyPem);
        return new RsaSecurityKey(rsa) { KeyId = key.Id };
    }
}
