using Dapper;
using Downstream.Server.Storage.Postgres;
using Downstream.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Downstream.Server.Tests.Unit;

/// <summary>The PostgreSQL pieces that have no SQLite twin: migrations under a lock, and change notices across nodes.</summary>
public sealed class PostgresStoreTests
{
    [SkippableFact]
    public async Task Nodes_starting_together_migrate_once_and_a_second_start_is_a_no_op()
    {
        Skip.If(Backends.PostgresAdmin is null, "needs the test PostgreSQL (scripts/test starts it)");
        var connectionString = await Backends.NewPostgresDatabaseAsync();
        var nodes = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(connectionString)).ToList();
        try
        {
            var applied = await Task.WhenAll(nodes.Select(n => n.MigrateAsync(CancellationToken.None)));
            Assert.Equal(PostgresSchema.Migrations.Count, applied.Sum(a => a.Count));
            Assert.Empty(await nodes[0].MigrateAsync(CancellationToken.None));
            await using var connection = await nodes[0].OpenAsync(CancellationToken.None);
            Assert.Equal(PostgresSchema.Migrations.Max(m => m.Version), await connection.ExecuteScalarAsync<int>("SELECT max(version) FROM schema_migrations"));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task A_write_on_one_node_changes_the_stamp_of_another_within_a_second()
    {
        Skip.If(Backends.PostgresAdmin is null, "needs the test PostgreSQL (scripts/test starts it)");
        var connectionString = await Backends.NewPostgresDatabaseAsync();
        await using var writer = new PostgresDatabase(connectionString);
        await writer.MigrateAsync(CancellationToken.None);
        await using var reader = new PostgresDatabase(connectionString);
        await using var stamp = new PostgresChangeStamp(reader.DataSource, NullLogger<PostgresChangeStamp>.Instance);
        await stamp.StartAsync(CancellationToken.None);
        Assert.True(stamp.TryRead(out var before));

        await using (var connection = await writer.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("INSERT INTO settings (key, value) VALUES ('k', 'v')");
        }

        var started = DateTime.UtcNow;
        await Poll.UntilAsync(() => Task.FromResult(stamp.TryRead(out var now) && now != before), changed => changed,
            TimeSpan.FromSeconds(1), "the other node's stamp to change", 5);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1));

        // And the next change too: every notice counts, not only the first.
        stamp.TryRead(out var settled);
        await using (var connection = await writer.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("INSERT INTO accounts (id, created) VALUES ('a', 0)");
        }

        await Poll.UntilAsync(() => Task.FromResult(stamp.TryRead(out var now) && now != settled), changed => changed,
            TimeSpan.FromSeconds(1), "an account insert to be noticed", 5);
    }
}
