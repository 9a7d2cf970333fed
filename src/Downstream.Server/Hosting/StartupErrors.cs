using Microsoft.Extensions.Options;

namespace Downstream.Server.Hosting;

/// <summary>Turns what can go wrong before the server listens into one readable line instead of a stack trace.</summary>
public static class StartupErrors
{
    /// <summary>The line to print, or null for an error that is a bug (then the stack trace is worth having).</summary>
    public static string? Describe(Exception ex) => ex switch
    {
        OptionsValidationException options => string.Join(" ", options.Failures),
        InvalidOperationException { InnerException: FormatException or ArgumentException or OverflowException } binding =>
            $"{binding.Message} ({binding.InnerException!.Message})",
        InvalidOperationException other => other.Message,
        Npgsql.NpgsqlException database => $"PostgreSQL (DOWNSTREAM_POSTGRES) is not usable: {database.Message}",
        Amazon.S3.AmazonS3Exception store => $"The S3 store (DOWNSTREAM_S3_ENDPOINT, DOWNSTREAM_S3_BUCKET) is not usable: {store.Message}",
        HttpRequestException store => $"The S3 store (DOWNSTREAM_S3_ENDPOINT) cannot be reached: {store.Message}",
        Microsoft.Data.Sqlite.SqliteException database => $"The SQLite database in DOWNSTREAM_DATA_DIR is not usable: {database.Message}",
        UnauthorizedAccessException or IOException => $"The data folder (DOWNSTREAM_DATA_DIR) is not usable: {ex.Message}",
        _ => null,
    };
}
