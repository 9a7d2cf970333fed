using Dapper;
using Downstream.Server.Auth;

namespace Downstream.Server.Storage.Sql;

public sealed class SqlCredentialStore(ISqlDatabase database) : ICredentialStore
{
    private const string TokenColumns = "id, secret_hash, account_id, can_write, name, created, revoked";

    public async Task EnsureAccountAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO accounts (id, created) VALUES (@accountId, @now) ON CONFLICT (id) DO NOTHING",
            new { accountId, now = UnixTime.To(now) }, cancellationToken: cancellationToken));
        database.Changed();
    }

    public async Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT value FROM settings WHERE key = @key", new { key }, cancellationToken: cancellationToken));
    }

    public async Task SetSettingAsync(string key, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            new { key, value }, cancellationToken: cancellationToken));
        database.Changed();
    }

    public async Task<bool> AnyCredentialAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM api_tokens) OR EXISTS (SELECT 1 FROM users)",
            cancellationToken: cancellationToken));
    }

    public async Task<ApiToken?> FindTokenAsync(byte[] secretHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            $"SELECT {TokenColumns} FROM api_tokens WHERE secret_hash = @secretHash", new { secretHash },
            cancellationToken: cancellationToken));
        return row?.ToToken();
    }

    public async Task<bool> AddTokenAsync(ApiToken token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO api_tokens ({TokenColumns}) VALUES (@Id, @SecretHash, @AccountId, @CanWrite, @Name, @Created, NULL)
            ON CONFLICT (secret_hash) DO NOTHING
            """,
            new { token.Id, token.SecretHash, token.AccountId, CanWrite = token.CanWrite ? 1 : 0, token.Name, Created = UnixTime.To(token.Created) },
            cancellationToken: cancellationToken))) == 1;
    }

    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TokenRow>(new CommandDefinition(
            $"SELECT {TokenColumns} FROM api_tokens ORDER BY created, id", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToToken())];
    }

    public async Task<bool> RevokeTokenAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return database.Wrote(await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked = @now WHERE id = @id AND revoked IS NULL", new { id, now = UnixTime.To(now) },
            cancellationToken: cancellationToken))) == 1;
    }

    public async Task<GlobalKeyUser?> FindUserAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var keyHash = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT key_hash FROM users WHERE email = @email", new { email }, cancellationToken: cancellationToken));
        if (keyHash is null)
        {
            return null;
        }

        var accounts = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT account_id FROM memberships WHERE email = @email", new { email }, cancellationToken: cancellationToken));
        return new GlobalKeyUser(email, keyHash, accounts.ToHashSet(StringComparer.Ordinal));
    }

    public async Task UpsertUserAsync(string email, byte[] keyHash, string accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO users (email, key_hash, created) VALUES (@email, @keyHash, @now)
            ON CONFLICT (email) DO UPDATE SET key_hash = excluded.key_hash
            """, new { email, keyHash, now = UnixTime.To(now) }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO memberships (email, account_id) VALUES (@email, @accountId) ON CONFLICT DO NOTHING",
            new { email, accountId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        database.Changed();
    }

    internal sealed class TokenRow
    {
        public string Id { get; set; } = "";
        public byte[] SecretHash { get; set; } = [];
        public string AccountId { get; set; } = "";
        public long CanWrite { get; set; }
        public string Name { get; set; } = "";
        public long Created { get; set; }
        public long? Revoked { get; set; }

        public ApiToken ToToken() => new()
        {
            Id = Id,
            SecretHash = SecretHash,
            AccountId = AccountId,
            CanWrite = CanWrite != 0,
            Name = Name,
            Created = UnixTime.From(Created),
            Revoked = UnixTime.From(Revoked),
        };
    }
}
