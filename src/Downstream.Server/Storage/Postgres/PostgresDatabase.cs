using System.Data.Common;
using Dapper;
using Downstream.Server.Storage.Sql;
using Npgsql;

namespace Downstream.Server.Storage.Postgres;

/// <summary>
/// Connections to PostgreSQL from one pooled data source, and the migrations that make its schema.
/// Several nodes may start at once: migrations run under a session advisory lock, each step in its own
/// transaction with its version recorded in <c>schema_migrations</c>.
/// </summary>
public sealed class PostgresDatabase : ISqlDatabase, IAsyncDisposable
{
    public PostgresDatabase(string connectionString, ILogger<PostgresChangeStamp>? logger = null)
    {
        DataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        Stamp = new PostgresChangeStamp(DataSource, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresChangeStamp>.Instance);
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>This node's view of changes made anywhere; started by <see cref="MigrateAsync"/>'s caller at start.</summary>
    public PostgresChangeStamp Stamp { get; }

    public SqlDialect Dialect => SqlDialect.Postgres;

    public void Changed() => Stamp.Bump();

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => DataSource.OpenConnectionAsync(cancellationToken);

    async Task<DbConnection> ISqlDatabase.OpenAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    /// <summary>Applies the migrations this database lacks; returns the versions applied now.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_lock(@key)", new { key = PostgresSchema.MigrationLock }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())
                """, cancellationToken: cancellationToken));
            var done = (await connection.QueryAsync<int>(new CommandDefinition(
                "SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();
            var applied = new List<int>();
            foreach (var (version, sql) in PostgresSchema.Migrations.Where(m => !done.Contains(m.Version)).OrderBy(m => m.Version))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version) VALUES (@version)", new { version }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                applied.Add(version);
            }

            return applied;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_unlock(@key)", new { key = PostgresSchema.MigrationLock }, cancellationToken: CancellationToken.None));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stamp.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
