using Dapper;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Downstream.Server.Tests.Unit;

/// <summary>Data folders made before schema versions existed move forward without losing a row.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly TempDir _dir = new("downstream-migrate");

    [Fact]
    public async Task A_database_from_before_versions_is_migrated_in_place_and_a_second_run_is_a_no_op()
    {
        var path = _dir.File("downstream.db");
        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync();
            await old.ExecuteAsync("PRAGMA foreign_keys = ON;");
            await old.ExecuteAsync(SqliteDatabase.Migrations[0].Sql);
            await old.ExecuteAsync("""
                INSERT INTO accounts (id, created) VALUES ('a', 1);
                INSERT INTO users (email, key_hash, created) VALUES ('User@Example.COM', x'01', 1);
                INSERT INTO memberships (email, account_id) VALUES ('User@Example.COM', 'a');
                INSERT INTO videos (uid, account_id, state, created, modified) VALUES ('v', 'a', 'ready', 1, 1);
                INSERT INTO jobs (id, kind, video_uid, available_at, created) VALUES ('j', 'copy', 'v', 1, 1);
                """);
        }

        SqliteConnection.ClearAllPools();
        var database = new SqliteDatabase(path);
        Assert.Equal(SqliteDatabase.Migrations.Skip(1).Select(m => m.Version), await database.MigrateAsync(CancellationToken.None));
        Assert.Empty(await database.MigrateAsync(CancellationToken.None));

        await using var connection = await database.OpenAsync(CancellationToken.None);
        Assert.Equal(SqliteDatabase.Migrations[^1].Version, await connection.ExecuteScalarAsync<long>("PRAGMA user_version"));
        Assert.Equal("v", await connection.ExecuteScalarAsync<string>("SELECT uid FROM videos"));
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT claim_id FROM jobs WHERE id = 'j'"));
        Assert.Equal("user@example.com", await connection.ExecuteScalarAsync<string>("SELECT email FROM users"));
        Assert.Equal("user@example.com", await connection.ExecuteScalarAsync<string>("SELECT email FROM memberships"));
        Assert.Empty(await connection.QueryAsync("PRAGMA foreign_key_check"));
    }

    [Fact]
    public async Task A_new_database_gets_every_step()
    {
        var database = new SqliteDatabase(_dir.File("new.db"));
        Assert.Equal(SqliteDatabase.Migrations.Select(m => m.Version), await database.MigrateAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
