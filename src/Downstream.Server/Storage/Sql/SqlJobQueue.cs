using System.Data.Common;
using Dapper;
using Downstream.Server.Jobs;

namespace Downstream.Server.Storage.Sql;

public sealed class SqlJobQueue(ISqlDatabase database) : IJobQueue
{
    internal static Task InsertAsync(DbConnection connection, DbTransaction transaction, Job job, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO jobs (id, kind, video_uid, download_type, attempts, available_at, created)
            VALUES (@Id, @Kind, @VideoUid, @DownloadType, 0, @AvailableAt, @Created)
            """,
            new { job.Id, job.Kind, job.VideoUid, job.DownloadType, AvailableAt = UnixTime.To(job.AvailableAt), Created = UnixTime.To(job.Created) },
            transaction, cancellationToken: cancellationToken));

    public async Task<Job?> ClaimAsync(string owner, IReadOnlyList<string> kinds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claim = Guid.NewGuid().ToString("N");
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition($"""
            UPDATE jobs SET lease_owner = @owner, claim_id = @claim, lease_expires = @expires, attempts = attempts + 1
            WHERE id = (
                SELECT id FROM jobs
                WHERE {database.Dialect.In("kind", "@kinds")} AND available_at <= @now AND (lease_owner IS NULL OR lease_expires < @now)
                ORDER BY available_at, created LIMIT 1 {database.Dialect.SkipLocked})
            RETURNING id, kind, video_uid, download_type, attempts, claim_id, available_at, created
            """, new { owner, claim, kinds = kinds.ToArray(), now = UnixTime.To(now), expires = UnixTime.To(now + lease) }, cancellationToken: cancellationToken));
        return row?.ToJob();
    }

    public async Task<bool> RenewAsync(Job claim, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET lease_expires = @expires WHERE id = @Id AND claim_id = @ClaimId",
            new { claim.Id, claim.ClaimId, expires = UnixTime.To(expires) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> CompleteAsync(Job claim, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM jobs WHERE id = @Id AND claim_id = @ClaimId", new { claim.Id, claim.ClaimId },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> ReleaseAsync(Job claim, DateTimeOffset availableAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE jobs SET lease_owner = NULL, claim_id = NULL, lease_expires = NULL, available_at = @availableAt
            WHERE id = @Id AND claim_id = @ClaimId
            """, new { claim.Id, claim.ClaimId, availableAt = UnixTime.To(availableAt) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<int> WakeAsync(string videoUid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET available_at = @now WHERE video_uid = @videoUid AND available_at >= @waiting",
            new { videoUid, now = UnixTime.To(now), waiting = UnixTime.To(JobKinds.Waiting) }, cancellationToken: cancellationToken));
    }

    internal sealed class JobRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string VideoUid { get; set; } = "";
        public string? DownloadType { get; set; }
        public long Attempts { get; set; }
        public string? ClaimId { get; set; }
        public long AvailableAt { get; set; }
        public long Created { get; set; }

        public Job ToJob() => new()
        {
            Id = Id,
            Kind = Kind,
            VideoUid = VideoUid,
            DownloadType = DownloadType,
            Attempts = (int)Attempts,
            ClaimId = ClaimId,
            AvailableAt = UnixTime.From(AvailableAt),
            Created = UnixTime.From(Created),
        };
    }
}
