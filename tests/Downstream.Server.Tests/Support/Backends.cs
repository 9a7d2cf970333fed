using System.Collections.Concurrent;
using Npgsql;

namespace Downstream.Server.Tests.Support;

/// <summary>
/// Which backend the suite runs on. <c>scripts/test</c> runs the suite once on SQLite and a folder, and once
/// with <c>DOWNSTREAM_TEST_BACKEND=postgres-s3</c> against the PostgreSQL and RADOS Gateway it started
/// (<c>DOWNSTREAM_TEST_POSTGRES</c>, <c>DOWNSTREAM_TEST_S3_ENDPOINT</c> and the AWS key variables).
/// Each server gets a database and a bucket of its own.
/// </summary>
public static class Backends
{
    public static bool PostgresS3 => Environment.GetEnvironmentVariable("DOWNSTREAM_TEST_BACKEND") == "postgres-s3";

    public static string? PostgresAdmin => Environment.GetEnvironmentVariable("DOWNSTREAM_TEST_POSTGRES");

    public static string? S3Endpoint => Environment.GetEnvironmentVariable("DOWNSTREAM_TEST_S3_ENDPOINT");

    /// <summary>A new empty database on the test PostgreSQL; its connection string.</summary>
    public static async Task<string> NewPostgresDatabaseAsync()
    {
        var admin = PostgresAdmin ?? throw new InvalidOperationException("DOWNSTREAM_TEST_POSTGRES is not set; run the suite through scripts/test.");
        var name = $"t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static readonly ConcurrentDictionary<string, Task<Dictionary<string, string>>> ByDataDir = new();

    /// <summary>
    /// The backend settings of the server (and its <c>tokens</c> command) that uses <paramref name="dataDir"/>:
    /// none on SQLite; on PostgreSQL + S3 a database and a bucket made for that data folder, kept across restarts.
    /// </summary>
    public static Task<Dictionary<string, string>> ForDataDirAsync(string dataDir) =>
        PostgresS3 ? ByDataDir.GetOrAdd(Path.GetFullPath(dataDir), _ => NewEnvironmentAsync()) : Task.FromResult(new Dictionary<string, string>());

    private static async Task<Dictionary<string, string>> NewEnvironmentAsync()
    {
        return new Dictionary<string, string>
        {
            ["DOWNSTREAM_POSTGRES"] = await NewPostgresDatabaseAsync(),
            ["DOWNSTREAM_S3_ENDPOINT"] = S3Endpoint ?? throw new InvalidOperationException("DOWNSTREAM_TEST_S3_ENDPOINT is not set."),
            ["DOWNSTREAM_S3_BUCKET"] = $"t-{Guid.NewGuid():N}",
        };
    }
}
