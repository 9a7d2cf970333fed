using System.Data.Common;

namespace Downstream.Server.Storage.Sql;

/// <summary>
/// A relational metadata store the SQL stores run on: SQLite (one machine) or PostgreSQL (many nodes). The
/// stores share their SQL; the few places the two engines differ are in <see cref="SqlDialect"/>.
/// </summary>
public interface ISqlDatabase
{
    SqlDialect Dialect { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Brings the schema to the newest version; returns the versions applied now.</summary>
    Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Called after every write this node commits, so its own caches see it at once.</summary>
    void Changed();
}

/// <param name="Name">The engine, for logs and health.</param>
/// <param name="Position">The function that finds a substring (<c>instr</c> or <c>strpos</c>).</param>
/// <param name="SkipLocked">What a claim's inner SELECT ends with so that workers skip rows others are claiming.</param>
/// <param name="ArrayParameters">Dapper sends a list as one array parameter (PostgreSQL) rather than expanding it.</param>
public sealed record SqlDialect(string Name, string Position, string SkipLocked, bool ArrayParameters)
{
    public static readonly SqlDialect Sqlite = new("sqlite", "instr", "", ArrayParameters: false);

    public static readonly SqlDialect Postgres = new("postgresql", "strpos", "FOR UPDATE SKIP LOCKED", ArrayParameters: true);

    /// <summary>A test that <paramref name="column"/> is one of the list parameter <paramref name="parameter"/>.</summary>
    public string In(string column, string parameter) => ArrayParameters ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";
}

public static class SqlDatabaseExtensions
{
    /// <summary>Reports a write to <see cref="ISqlDatabase.Changed"/> and passes its result on.</summary>
    public static T Wrote<T>(this ISqlDatabase database, T result)
    {
        database.Changed();
        return result;
    }
}
