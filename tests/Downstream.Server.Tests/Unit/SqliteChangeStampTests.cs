using Downstream.Server.Storage;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Downstream.Server.Tests.Unit;

/// <summary>The stamp must move with every commit, from any connection, and only then.</summary>
public sealed class SqliteChangeStampTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Every_commit_from_any_connection_changes_the_stamp()
    {
        var database = new SqliteDatabase(_dir.File("stamp.db"));
        await database.MigrateAsync(CancellationToken.None);
        using var stamp = new SqliteChangeStamp(database.Path);
        Assert.True(stamp.TryRead(out var first));
        Assert.True(stamp.TryRead(out var again));
        Assert.Equal(first, again);

        var seen = new HashSet<ulong> { first };
        for (var i = 0; i < 50; i++)
        {
            // A separate, unpooled connection: as another process (the tokens CLI) would write.
            using (var other = new SqliteConnection($"Data Source={database.Path};Pooling=False"))
            {
                other.Open();
                using var command = other.CreateCommand();
                command.CommandText = $"INSERT INTO settings (key, value) VALUES ('k{i}', 'v') ON CONFLICT (key) DO UPDATE SET value = 'w'";
                command.ExecuteNonQuery();
            }

            Assert.True(stamp.TryRead(out var next));
            Assert.True(seen.Add(next), $"commit {i} left the stamp unchanged");
        }
    }

    [Fact]
    public async Task A_cache_serves_until_the_next_commit()
    {
        var database = new SqliteDatabase(_dir.File("cache.db"));
        await database.MigrateAsync(CancellationToken.None);
        using var stamp = new SqliteChangeStamp(database.Path);
        var cache = new StampedCache<string, int>(stamp);
        var reads = 0;
        Task<int> Read(string key, CancellationToken ct) => Task.FromResult(++reads);

        Assert.Equal(1, await cache.GetOrReadAsync("a", Read, CancellationToken.None));
        Assert.Equal(1, await cache.GetOrReadAsync("a", Read, CancellationToken.None));
        await new SqlCredentialStore(database).SetSettingAsync("x", "y", CancellationToken.None);
        Assert.Equal(2, await cache.GetOrReadAsync("a", Read, CancellationToken.None));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
