using System.Text;
using Downstream.Server.Storage;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Downstream.Server.Tus;
using Downstream.Server.Videos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Downstream.Server.Tests.Unit;

/// <summary>
/// tus upload records and their bytes: the append lock, offsets, completion and expiry. On SQLite the lock lives in
/// the process; in the PostgreSQL pass of scripts/test the same tests run against the lease in the database.
/// </summary>
public sealed class TusUploadStoreTests : IAsyncLifetime
{
    private const string Account = "fedcba9876543210fedcba9876543210";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(Now);
    private ISqlDatabase _database = null!;
    private SqlTusUploadStore _store = null!;
    private SqlVideoStore _videos = null!;
    private LocalBlobStore _blobs = null!;
    private LocalTusData _data = null!;

    public async Task InitializeAsync()
    {
        if (Backends.PostgresS3)
        {
            var postgres = new Storage.Postgres.PostgresDatabase(await Backends.NewPostgresDatabaseAsync());
            await postgres.MigrateAsync(CancellationToken.None);
            _database = postgres;
        }
        else
        {
            var sqlite = new SqliteDatabase(_dir.File("test.db"));
            await sqlite.MigrateAsync(CancellationToken.None);
            _database = sqlite;
        }

        await new SqlCredentialStore(_database).EnsureAccountAsync(Account, Now, CancellationToken.None);
        _store = new SqlTusUploadStore(_database);
        _videos = new SqlVideoStore(_database);
        _blobs = new LocalBlobStore(_dir.File("media"));
        _data = new LocalTusData(_blobs);
    }

    private async Task<string> CreateAsync(long length, DateTimeOffset expires)
    {
        var video = VideoService.NewVideo(Account, VideoStates.PendingUpload, Now);
        await _store.CreateAsync(video, new TusUpload
        {
            VideoUid = video.Uid,
            Length = length,
            Offset = 0,
            Expires = expires,
            Slide = TimeSpan.FromHours(1),
            State = TusUploadStates.Open,
        }, CancellationToken.None);
        return video.Uid;
    }

    [Fact]
    public async Task One_request_holds_the_append_lock_until_it_ends_or_its_lease_runs_out()
    {
        var uid = await CreateAsync(100, Now.AddHours(1));
        Assert.NotNull(await _store.LockAsync(uid, "a", Now, Now.AddSeconds(30), CancellationToken.None));
        Assert.Null(await _store.LockAsync(uid, "b", Now.AddSeconds(10), Now.AddSeconds(40), CancellationToken.None));
        Assert.True(await _store.RenewAsync(uid, "a", Now.AddSeconds(60), CancellationToken.None));
        Assert.Null(await _store.LockAsync(uid, "b", Now.AddSeconds(45), Now.AddSeconds(75), CancellationToken.None));

        // A lease that ran out (its node died) is taken over; the old holder can then record nothing.
        Assert.NotNull(await _store.LockAsync(uid, "b", Now.AddSeconds(61), Now.AddSeconds(91), CancellationToken.None));
        Assert.False(await _store.AdvanceAsync(uid, "a", 50, Now.AddHours(2), CancellationToken.None));
        Assert.True(await _store.AdvanceAsync(uid, "b", 50, Now.AddHours(2), CancellationToken.None));

        // Recording the offset releases the lock, and the next holder reads it as it takes the lock.
        Assert.Equal(50, (await _store.LockAsync(uid, "c", Now.AddSeconds(62), Now.AddSeconds(92), CancellationToken.None))!.Offset);
        await _store.UnlockAsync(uid, "c", CancellationToken.None);
        Assert.NotNull(await _store.LockAsync(uid, "d", Now.AddSeconds(63), Now.AddSeconds(93), CancellationToken.None));
    }

    [Fact]
    public async Task Bytes_past_the_recorded_offset_are_not_counted_and_are_overwritten()
    {
        var uid = await CreateAsync(10, Now.AddHours(1));
        var first = await _data.AppendAsync(uid, 0, new MemoryStream(Encoding.ASCII.GetBytes("abcdef")), 10, CancellationToken.None);
        Assert.Equal(6, first.Bytes);

        // The database recorded only 4 of them (the request failed before it could record the rest).
        Assert.Equal(4, await _data.StoredAsync(uid, 4, CancellationToken.None));
        await _data.AppendAsync(uid, 4, new MemoryStream(Encoding.ASCII.GetBytes("EFGHIJ")), 6, CancellationToken.None);
        await _data.PublishAsync(uid, 10, CancellationToken.None);
        Assert.Equal("abcdEFGHIJ", await File.ReadAllTextAsync(_blobs.PathOf(VideoKeys.Source(uid))));

        var tooLong = await _data.AppendAsync(uid, 0, new MemoryStream(new byte[20]), 10, CancellationToken.None);
        Assert.True(tooLong.TooLong);
    }

    [Fact]
    public async Task Completion_moves_the_video_to_queued_with_its_ingest_job_once()
    {
        var uid = await CreateAsync(10, Now.AddHours(1));
        var video = (await _videos.GetAsync(uid, CancellationToken.None))!;
        Assert.NotNull(await _store.LockAsync(uid, "a", Now, Now.AddSeconds(30), CancellationToken.None));
        var upload = (await _store.GetAsync(uid, CancellationToken.None))!;
        var job = new Jobs.Job { Id = Api.Ids.New(), Kind = Jobs.JobKinds.Ingest, VideoUid = uid, AvailableAt = Now, Created = Now };
        Assert.False(await _store.CompleteAsync("b", upload, video with { State = VideoStates.Queued, Size = 10 }, job, CancellationToken.None));
        Assert.True(await _store.CompleteAsync("a", upload, video with { State = VideoStates.Queued, Size = 10 }, job, CancellationToken.None));
        Assert.False(await _store.CompleteAsync("a", upload, video with { State = VideoStates.Queued, Size = 10 }, job with { Id = Api.Ids.New() }, CancellationToken.None));

        var stored = (await _store.GetAsync(uid, CancellationToken.None))!;
        Assert.Equal(TusUploadStates.Done, stored.State);
        Assert.Equal(10, stored.Offset);
        Assert.Equal(VideoStates.Queued, (await _videos.GetAsync(uid, CancellationToken.None))!.State);
        var claimed = await new SqlJobQueue(_database).ClaimAsync("node", [Jobs.JobKinds.Ingest], Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(uid, claimed?.VideoUid);
    }

    [Fact]
    public async Task Expiry_removes_the_bytes_of_unfinished_uploads_only_and_never_one_being_appended_to()
    {
        var idle = await CreateAsync(100, Now.AddMinutes(30));
        var busy = await CreateAsync(100, Now.AddMinutes(30));
        var fresh = await CreateAsync(100, Now.AddHours(5));
        foreach (var uid in (string[])[idle, busy, fresh])
        {
            await _data.AppendAsync(uid, 0, new MemoryStream(new byte[10]), 100, CancellationToken.None);
        }

        Assert.NotNull(await _store.LockAsync(busy, "a", Now.AddMinutes(29), Now.AddMinutes(32), CancellationToken.None));
        var expiry = new TusExpiry(_store, _data, _videos, _time, NullLogger<TusExpiry>.Instance);
        Assert.Equal(0, await expiry.ExpireAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(1, await expiry.ExpireAsync(CancellationToken.None));
        Assert.Equal(TusUploadStates.Expired, (await _store.GetAsync(idle, CancellationToken.None))!.State);
        Assert.False(File.Exists(_blobs.PathOf($"videos/{idle}/upload.tus")));
        var video = (await _videos.GetAsync(idle, CancellationToken.None))!;
        Assert.Equal(VideoStates.Error, video.State);
        Assert.Equal(TusExpiry.ExpiredText, video.ErrorReasonText);
        Assert.True(File.Exists(_blobs.PathOf($"videos/{busy}/upload.tus")));
        Assert.True(File.Exists(_blobs.PathOf($"videos/{fresh}/upload.tus")));

        // Once its lock lapses, the abandoned one goes too.
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await expiry.ExpireAsync(CancellationToken.None));
        Assert.Equal(TusUploadStates.Open, (await _store.GetAsync(fresh, CancellationToken.None))!.State);
    }

    public async Task DisposeAsync()
    {
        if (_database is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        _dir.Dispose();
    }
}
