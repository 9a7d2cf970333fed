using Downstream.Server.Hosting;
using Downstream.Server.Storage;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Downstream.Server.Videos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Downstream.Server.Tests.Unit;

public sealed class DurabilityAndJanitorTests : IDisposable
{
    private readonly TempDir _dir = new("downstream-durable");

    [Fact]
    public async Task A_blob_is_flushed_before_its_rename_and_its_folder_after()
    {
        var calls = new List<string>();
        string? target = null;
        var store = new LocalBlobStore(_dir.File("media"), new Recording(calls, () => target is not null && File.Exists(target)));
        await using var write = await store.BeginWriteAsync("videos/0123456789abcdef0123456789abcdef/source", CancellationToken.None);
        target = Path.Combine(_dir.Path, "media", "videos", "0123456789abcdef0123456789abcdef", "source");
        await File.WriteAllTextAsync(write.StagingPath, "bytes");
        await write.CommitAsync(CancellationToken.None);

        Assert.Equal(
            [$"file {write.StagingPath} (published: False)", $"folder {Path.GetDirectoryName(target)} (published: True)"],
            calls);
    }

    [Fact]
    public async Task The_real_flushes_run_on_files_and_folders()
    {
        var file = _dir.File("x");
        await File.WriteAllTextAsync(file, "x");
        FileDurability.Instance.FlushFile(file);
        FileDurability.Instance.FlushFolder(_dir.Path);
        Assert.Throws<IOException>(() => FileDurability.Instance.FlushFolder(_dir.File("missing")));
    }

    [Fact]
    public async Task The_janitor_removes_quiet_media_of_videos_that_do_not_exist_and_nothing_else()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var database = new SqliteDatabase(_dir.File("test.db"));
        await database.MigrateAsync(CancellationToken.None);
        await new SqlCredentialStore(database).EnsureAccountAsync("fedcba9876543210fedcba9876543210", time.GetUtcNow(), CancellationToken.None);
        var videos = new SqlVideoStore(database);
        var blobs = new LocalBlobStore(_dir.File("media"));
        const string live = "11111111111111111111111111111111", orphan = "22222222222222222222222222222222", fresh = "33333333333333333333333333333333";
        await videos.InsertAsync(new Video { Uid = live, AccountId = "fedcba9876543210fedcba9876543210", State = VideoStates.Ready, Created = time.GetUtcNow(), Modified = time.GetUtcNow() }, null, CancellationToken.None);
        foreach (var uid in new[] { live, orphan, fresh })
        {
            await using var write = await blobs.BeginWriteAsync($"videos/{uid}/source", CancellationToken.None);
            await File.WriteAllTextAsync(write.StagingPath, uid);
            await write.CommitAsync(CancellationToken.None);
        }

        time.Advance(Janitor.OrphanGrace + TimeSpan.FromMinutes(1));
        var folder = (string uid) => Path.Combine(_dir.Path, "media", "videos", uid);
        File.SetLastWriteTimeUtc(Path.Combine(folder(fresh), "source"), time.GetUtcNow().UtcDateTime);

        var scopes = new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
        await new Janitor(videos, scopes, blobs, time, NullLogger<Janitor>.Instance).SweepAsync(CancellationToken.None);

        Assert.True(Directory.Exists(folder(live)));
        Assert.False(Directory.Exists(folder(orphan)));
        Assert.True(Directory.Exists(folder(fresh)), "a folder still being written was swept");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private sealed class Recording(List<string> calls, Func<bool> published) : IFileDurability
    {
        public void FlushFile(string path) => calls.Add($"file {path} (published: {published()})");

        public void FlushFolder(string path) => calls.Add($"folder {path} (published: {published()})");
    }

    public void Dispose() => _dir.Dispose();
}
