using System.Security.Cryptography;
using Dapper;
using Downstream.Server.Videos;

namespace Downstream.Server.Storage.Sql;

public sealed class SqlDirectUploadStore(ISqlDatabase database) : IDirectUploadStore
{
    public async Task CreateAsync(Video video, byte[] secretHash, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SqlVideoStore.InsertAsync(connection, transaction, video, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO direct_uploads (video_uid, secret_hash, expires, state) VALUES (@uid, @secretHash, @expires, 'open')",
            new { uid = video.Uid, secretHash, expires = UnixTime.To(expires) }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        database.Changed();
    }

    public async Task<DirectUploadClaim> ClaimAsync(string uid, byte[] secretHash, DateTimeOffset now, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(byte[] SecretHash, long Expires, string State)>(new CommandDefinition(
            "SELECT secret_hash, expires, state FROM direct_uploads WHERE video_uid = @uid", new { uid }, cancellationToken: cancellationToken));
        if (row.SecretHash is null || !CryptographicOperations.FixedTimeEquals(row.SecretHash, secretHash))
        {
            return DirectUploadClaim.Unknown;
        }

        if (row.State == "done")
        {
            return DirectUploadClaim.Used;
        }

        if (row.State == "expired" || UnixTime.From(row.Expires) <= now)
        {
            return DirectUploadClaim.Expired;
        }

        var taken = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE direct_uploads SET state = 'claimed', claimed_at = @now
            WHERE video_uid = @uid AND (state = 'open' OR (state = 'claimed' AND claimed_at < @stale))
            """,
            new { uid, now = UnixTime.To(now), stale = UnixTime.To(now - staleAfter) }, cancellationToken: cancellationToken));
        return database.Wrote(taken) == 1 ? DirectUploadClaim.Claimed : DirectUploadClaim.Busy;
    }

    public Task ReleaseAsync(string uid, CancellationToken cancellationToken) =>
        SetStateAsync(uid, "open", "claimed", cancellationToken);

    public Task FinishAsync(string uid, CancellationToken cancellationToken) =>
        SetStateAsync(uid, "done", "claimed", cancellationToken);

    public async Task<IReadOnlyList<string>> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var uids = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT video_uid FROM direct_uploads WHERE state = 'open' AND expires <= @now", new { now = UnixTime.To(now) },
            cancellationToken: cancellationToken))).ToList();
        if (uids.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE direct_uploads SET state = 'expired' WHERE state = 'open' AND {database.Dialect.In("video_uid", "@uids")}", new { uids },
                cancellationToken: cancellationToken));
            database.Changed();
        }

        return uids;
    }

    private async Task SetStateAsync(string uid, string state, string from, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        database.Wrote(await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE direct_uploads SET state = @state WHERE video_uid = @uid AND state = @from", new { uid, state, from },
            cancellationToken: cancellationToken)));
    }
}
