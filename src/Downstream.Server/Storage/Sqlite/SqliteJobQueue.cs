using System.Data.Common;
using Dapper;
using Downstream.Server.Jobs;

namespace Downstream.Server.Storage.Sqlite;

public sealed class SqliteJobQueue(SqliteDatabase database) : IJobQueue
{
    internal static Task InsertAsync(DbConnection connection, DbTransaction transaction, Job job, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO jobs (id, kind, video_uid, download_type, attempts, available_at, created)
            VALUES (@Id, @Kind, @VideoUid, @DownloadType, 0, @AvailableAt, @Created)
            """,
            new { job.Id, job.Kind, job.VideoUid, job.DownloadType, AvailableAt = UnixTime.To(job.AvailableAt), Created = UnixTime.To(job.Created) },
            transaction, cancellationToken: cancellationToken));

    public async Task<Job?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition("""
            UPDATE jobs SET lease_owner = @owner, lease_expires = @expires, attempts = attempts + 1
            WHERE id = (
                SELECT id FROM jobs
                WHERE available_at <= @now AND (lease_owner IS NULL OR lease_expires < @now)
                ORDER BY available_at, created LIMIT 1)
            RETURNING id, kind, video_uid, download_type, attempts, available_at, created
            """, new { owner, now = UnixTime.To(now), expires = UnixTime.To(now + lease) }, cancellationToken: cancellationToken));
        return row?.ToJob();
    }

    public async Task<bool> RenewAsync(string jobId, string owner, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET lease_expires = @expires WHERE id = @jobId AND lease_owner = @owner",
            new { jobId, owner, expires = UnixTime.To(expires) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task CompleteAsync(string jobId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM jobs WHERE id = @jobId AND lease_owner = @owner", new { jobId, owner },
            cancellationToken: cancellationToken));
    }

    public async Task ReleaseAsync(string jobId, string owner, DateTimeOffset availableAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE jobs SET lease_owner = NULL, lease_expires = NULL, available_at = @availableAt
            WHERE id = @jobId AND lease_owner = @owner
            """, new { jobId, owner, availableAt = UnixTime.To(availableAt) }, cancellationToken: cancellationToken));
    }

    internal sealed class JobRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string VideoUid { get; set; } = "";
        public string? DownloadType { get; set; }
        public long Attempts { get; set; }
        public long AvailableAt { get; set; }
        public long Created { get; set; }

        public Job ToJob() => new()
        {
            Id = Id,
            Kind = Kind,
            VideoUid = VideoUid,
            DownloadType = DownloadType,
            Attempts = (int)Attempts,
            AvailableAt = UnixTime.From(AvailableAt),
            Created = UnixTime.From(Created),
        };
    }
}
