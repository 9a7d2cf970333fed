using Downstream.Server.Downloads;
using Downstream.Server.Jobs;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Downstream.Server.Videos;
using Microsoft.Extensions.Time.Testing;

namespace Downstream.Server.Tests.Unit;

/// <summary>The lease rules of the queue, on a real SQLite file, with time under test control.</summary>
public sealed class SqliteJobQueueTests : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TimeSpan _lease = TimeSpan.FromSeconds(30);
    private SqliteDatabase _database = null!;
    private SqlJobQueue _queue = null!;
    private SqlDownloadStore _downloads = null!;
    private const string Uid = "0123456789abcdef0123456789abcdef";
    private static readonly string[] Downloads = [JobKinds.Download];

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_dir.File("test.db"));
        await _database.MigrateAsync(CancellationToken.None);
        _queue = new SqlJobQueue(_database);
        _downloads = new SqlDownloadStore(_database);
        var credentials = new SqlCredentialStore(_database);
        await credentials.EnsureAccountAsync("fedcba9876543210fedcba9876543210", _time.GetUtcNow(), CancellationToken.None);
        await new SqlVideoStore(_database).InsertAsync(new Video
        {
            Uid = Uid,
            AccountId = "fedcba9876543210fedcba9876543210",
            State = VideoStates.Ready,
            Created = _time.GetUtcNow(),
            Modified = _time.GetUtcNow(),
        }, null, CancellationToken.None);
    }

    private async Task<string> QueueDownloadAsync(string type = "default")
    {
        var now = _time.GetUtcNow();
        var id = Guid.NewGuid().ToString("N");
        var created = await _downloads.CreateAsync(
            new Download { VideoUid = Uid, Type = type, Status = DownloadStatuses.InProgress, JobId = id, Created = now, Modified = now },
            new Job { Id = id, Kind = JobKinds.Download, VideoUid = Uid, DownloadType = type, AvailableAt = now, Created = now },
            CancellationToken.None);
        Assert.True(created);
        return id;
    }

    [Fact]
    public async Task A_claimed_job_is_not_claimed_again_until_its_lease_runs_out()
    {
        var id = await QueueDownloadAsync();
        var first = await _queue.ClaimAsync("node-a", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None);
        Assert.Equal((id, 1), (first!.Id, first.Attempts));
        Assert.Null(await _queue.ClaimAsync("node-b", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None));

        _time.Advance(_lease + TimeSpan.FromSeconds(1));
        var second = await _queue.ClaimAsync("node-b", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None);
        Assert.Equal((id, 2), (second!.Id, second.Attempts));
        Assert.False(await _queue.RenewAsync(first, _time.GetUtcNow() + _lease, CancellationToken.None));
        Assert.True(await _queue.RenewAsync(second, _time.GetUtcNow() + _lease, CancellationToken.None));
    }

    [Fact]
    public async Task Renewing_keeps_the_job_owned()
    {
        await QueueDownloadAsync();
        var job = await _queue.ClaimAsync("node-a", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(20));
            Assert.True(await _queue.RenewAsync(job!, _time.GetUtcNow() + _lease, CancellationToken.None));
            Assert.Null(await _queue.ClaimAsync("node-b", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Deleting_the_download_removes_its_job_and_ends_the_lease()
    {
        await QueueDownloadAsync();
        var job = await _queue.ClaimAsync("node-a", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None);
        Assert.True(await _downloads.DeleteAsync(Uid, "default", CancellationToken.None));
        Assert.False(await _queue.RenewAsync(job!, _time.GetUtcNow() + _lease, CancellationToken.None));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await _queue.ClaimAsync("node-b", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None));
    }

    [Fact]
    public async Task Released_jobs_wait_until_they_are_available()
    {
        await QueueDownloadAsync();
        var job = await _queue.ClaimAsync("node-a", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None);
        await _queue.ReleaseAsync(job!, _time.GetUtcNow() + TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Null(await _queue.ClaimAsync("node-b", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.NotNull(await _queue.ClaimAsync("node-b", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None));
    }

    [Fact]
    public async Task Creating_an_existing_download_queues_nothing_but_a_failed_one_is_retried()
    {
        var firstJob = await QueueDownloadAsync();
        var now = _time.GetUtcNow();
        var repeat = new Download { VideoUid = Uid, Type = "default", Status = DownloadStatuses.InProgress, JobId = "other", Created = now, Modified = now };
        var repeatJob = new Job { Id = "other", Kind = JobKinds.Download, VideoUid = Uid, DownloadType = "default", AvailableAt = now, Created = now };
        Assert.False(await _downloads.CreateAsync(repeat, repeatJob, CancellationToken.None));

        await _downloads.FinishAsync(Uid, "default", firstJob, DownloadOutcome.Failed("ERR_FFMPEG", "boom"), now, CancellationToken.None);
        Assert.False(await _queue.CompleteAsync(new Job { Id = firstJob, ClaimId = "nobody", Kind = JobKinds.Download, VideoUid = Uid, AvailableAt = now, Created = now }, CancellationToken.None));
        Assert.True(await _downloads.CreateAsync(repeat, repeatJob, CancellationToken.None));
        var stored = await _downloads.GetAsync(Uid, "default", CancellationToken.None);
        Assert.Equal((DownloadStatuses.InProgress, "other", (string?)null), (stored!.Status, stored.JobId, stored.ErrorText));
    }

    [Fact]
    public async Task A_stale_job_cannot_overwrite_a_newer_one()
    {
        var job = await QueueDownloadAsync();
        Assert.True(await _downloads.UpdateProgressAsync(Uid, "default", job, new DownloadProgress(40), _time.GetUtcNow(), CancellationToken.None));
        Assert.False(await _downloads.UpdateProgressAsync(Uid, "default", "stale", new DownloadProgress(90), _time.GetUtcNow(), CancellationToken.None));
        Assert.False(await _downloads.FinishAsync(Uid, "default", "stale", new DownloadOutcome(DownloadStatuses.Ready, 1), _time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(40, (await _downloads.GetAsync(Uid, "default", CancellationToken.None))!.PercentComplete);
    }

    [Fact]
    public async Task A_lapsed_claim_retaken_by_the_same_node_cannot_renew_complete_or_release()
    {
        await QueueDownloadAsync();
        var first = await _queue.ClaimAsync("node-a", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None);
        _time.Advance(_lease + TimeSpan.FromSeconds(1));

        // Another loop of the same node (same owner) takes the job over.
        var second = await _queue.ClaimAsync("node-a", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None);
        Assert.NotEqual(first!.ClaimId, second!.ClaimId);
        Assert.False(await _queue.RenewAsync(first, _time.GetUtcNow() + _lease, CancellationToken.None));
        Assert.False(await _queue.ReleaseAsync(first, _time.GetUtcNow(), CancellationToken.None));
        Assert.False(await _queue.CompleteAsync(first, CancellationToken.None));

        // The current claim is untouched by all that.
        Assert.Null(await _queue.ClaimAsync("node-b", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None));
        Assert.True(await _queue.RenewAsync(second, _time.GetUtcNow() + _lease, CancellationToken.None));
        Assert.True(await _queue.CompleteAsync(second, CancellationToken.None));
    }

    [Fact]
    public async Task Loops_claim_only_their_kinds()
    {
        await QueueDownloadAsync();
        Assert.Null(await _queue.ClaimAsync("copier", [JobKinds.Copy], _time.GetUtcNow(), _lease, CancellationToken.None));
        Assert.NotNull(await _queue.ClaimAsync("encoder", Downloads, _time.GetUtcNow(), _lease, CancellationToken.None));
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    public void Dispose() => _dir.Dispose();
}
