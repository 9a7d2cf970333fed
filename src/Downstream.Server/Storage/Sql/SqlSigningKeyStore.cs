using Dapper;

namespace Downstream.Server.Storage.Sql;

public sealed class SqlSigningKeyStore(ISqlDatabase database) : ISigningKeyStore
{
    private const string Columns = "id, account_id AS AccountId, public_key AS PublicKey, private_key AS PrivateKey, is_internal AS Internal, created";

    public async Task<bool> AddAsync(SigningKey key, int maxPerAccount, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);

        // The count and the insert in one statement, so keys made at once cannot pass the limit together.
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO signing_keys (id, account_id, public_key, private_key, is_internal, created)
            SELECT @Id, @AccountId, @PublicKeyPem, NULL, 0, @Created
            WHERE (SELECT count(*) FROM signing_keys WHERE account_id = @AccountId AND is_internal = 0) < @maxPerAccount
            """,
            new { key.Id, key.AccountId, key.PublicKeyPem, Created = UnixTime.To(key.Created), maxPerAccount },
            cancellationToken: cancellationToken))) == 1;
    }

    public async Task<IReadOnlyList<SigningKey>> ListAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(
            $"SELECT {Columns} FROM signing_keys WHERE account_id = @accountId AND is_internal = 0 ORDER BY created, id",
            new { accountId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToKey())];
    }

    public async Task<SigningKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            $"SELECT {Columns} FROM signing_keys WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToKey();
    }

    public async Task<bool> DeleteAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM signing_keys WHERE id = @id AND account_id = @accountId AND is_internal = 0",
            new { id, accountId }, cancellationToken: cancellationToken))) == 1;
    }

    public async Task<SigningKey> GetOrAddInternalAsync(SigningKey candidate, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        database.Wrote(await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO signing_keys (id, account_id, public_key, private_key, is_internal, created)
            VALUES (@Id, @AccountId, @PublicKeyPem, @PrivateKeyPem, 1, @Created)
            ON CONFLICT (account_id) WHERE is_internal = 1 DO NOTHING
            """,
            new { candidate.Id, candidate.AccountId, candidate.PublicKeyPem, candidate.PrivateKeyPem, Created = UnixTime.To(candidate.Created) },
            cancellationToken: cancellationToken)));
        var row = await connection.QuerySingleAsync<KeyRow>(new CommandDefinition(
            $"SELECT {Columns} FROM signing_keys WHERE account_id = @AccountId AND is_internal = 1", new { candidate.AccountId },
            cancellationToken: cancellationToken));
        return row.ToKey();
    }

    internal sealed class KeyRow
    {
        public string Id { get; set; } = "";

        public string AccountId { get; set; } = "";

        public string PublicKey { get; set; } = "";

        public string? PrivateKey { get; set; }

        public long Internal { get; set; }

        public long Created { get; set; }

        public SigningKey ToKey() => new(Id, AccountId, PublicKey, PrivateKey, Internal == 1, UnixTime.From(Created));
    }
}
