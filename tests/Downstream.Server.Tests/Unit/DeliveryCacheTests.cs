using System.Security.Cryptography;
using Downstream.Server.Delivery;
using Downstream.Server.Hosting;
using Downstream.Server.Storage.S3;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Downstream.Server.Videos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Tests.Unit;

/// <summary>The node-local copies of delivered downloads, against the RADOS Gateway that scripts/test starts.</summary>
public sealed class DeliveryCacheTests : IDisposable
{
    private const string Uid = "0123456789abcdef0123456789abcdef";
    private readonly TempDir _scratch = new("downstream-cache-scratch");
    private S3BlobStore? _store;

    private async Task<(S3BlobStore Store, DeliveryCache Cache)> NewAsync(long capacity, long freeBytes = long.MaxValue)
    {
        Skip.If(Backends.S3Endpoint is null, "needs the test RADOS Gateway (scripts/test starts it)");
        _store = new S3BlobStore(S3BlobStore.CreateClient(Backends.S3Endpoint!, "us-east-1"), $"t-{Guid.NewGuid():N}", _scratch.Path);
        await _store.EnsureBucketAsync(CancellationToken.None);
        var options = Options.Create(new DownstreamOptions { ScratchDir = _scratch.Path, S3CacheBytes = capacity, MinFreeBytes = 1000 });
        return (_store, new DeliveryCache(_store, options, TimeProvider.System, NullLogger<DeliveryCache>.Instance, _ => freeBytes));
    }

    private static async Task PutAsync(S3BlobStore store, string key, byte[] bytes)
    {
        await using var write = await store.BeginWriteAsync(key, CancellationToken.None);
        await File.WriteAllBytesAsync(write.StagingPath, bytes);
        await write.CommitAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task A_miss_fills_a_copy_that_later_requests_get_and_a_new_job_id_is_a_new_copy()
    {
        var (store, cache) = await NewAsync(capacity: 10_000_000);
        var key = $"videos/{Uid}/downloads/default.mp4";
        var first = RandomNumberGenerator.GetBytes(200_000);
        await PutAsync(store, key, first);

        Assert.Null(cache.Find(Uid, "job1", "default.mp4", key, first.Length));
        await cache.DrainAsync();
        var copy = cache.Find(Uid, "job1", "default.mp4", key, first.Length);
        Assert.Equal(first, await File.ReadAllBytesAsync(copy!));

        // The download made again: same key, new bytes, new job id. The old copy is never handed out for it.
        var second = RandomNumberGenerator.GetBytes(200_000);
        await PutAsync(store, key, second);
        Assert.Null(cache.Find(Uid, "job2", "default.mp4", key, second.Length));
        await cache.DrainAsync();
        Assert.Equal(second, await File.ReadAllBytesAsync(cache.Find(Uid, "job2", "default.mp4", key, second.Length)!));

        // A length that does not match the row is not trusted either.
        Assert.Null(cache.Find(Uid, "job2", "default.mp4", key, second.Length + 1));
    }

    [SkippableFact]
    public async Task The_least_recently_used_copies_go_first_and_the_cache_stays_within_its_bytes()
    {
        var (store, cache) = await NewAsync(capacity: 400_000);
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            keys.Add($"videos/{Uid}/downloads/{i}.mp4");
            await PutAsync(store, keys[i], RandomNumberGenerator.GetBytes(100_000));
        }

        for (var i = 0; i < 4; i++)
        {
            cache.Find(Uid, $"job{i}", $"{i}.mp4", keys[i], 100_000);
            await cache.DrainAsync();
        }

        // Use the first again, then add a fifth: the second (least recently used) goes.
        Assert.NotNull(cache.Find(Uid, "job0", "0.mp4", keys[0], 100_000));
        cache.Find(Uid, "job4", "4.mp4", keys[4], 100_000);
        await cache.DrainAsync();

        Assert.True(cache.Bytes <= 400_000, $"{cache.Bytes} bytes held");
        Assert.True(cache.Holds(Uid, "job0", "0.mp4"));
        Assert.True(cache.Holds(Uid, "job4", "4.mp4"));
        Assert.False(cache.Holds(Uid, "job1", "1.mp4"));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(_scratch.Path, "delivery-cache")).Length);

        // Too large for the cache (over a quarter of it): served from the store, never copied.
        await PutAsync(store, "videos/big", RandomNumberGenerator.GetBytes(150_000));
        Assert.Null(cache.Find(Uid, "big", "big.mp4", "videos/big", 150_000));
        await cache.DrainAsync();
        Assert.False(cache.Holds(Uid, "big", "big.mp4"));
    }

    [SkippableFact]
    public async Task Nothing_is_copied_onto_a_disk_short_of_its_reserve()
    {
        var (store, cache) = await NewAsync(capacity: 10_000_000, freeBytes: 50_000);
        await PutAsync(store, "videos/a", RandomNumberGenerator.GetBytes(100_000));
        cache.Find(Uid, "job", "a.mp4", "videos/a", 100_000);
        await cache.DrainAsync();
        Assert.False(cache.Holds(Uid, "job", "a.mp4"));
        Assert.Empty(Directory.GetFiles(Path.Combine(_scratch.Path, "delivery-cache")));
    }

    [SkippableFact]
    public async Task Copies_of_videos_deleted_elsewhere_are_swept_and_a_restart_starts_empty()
    {
        var (store, cache) = await NewAsync(capacity: 10_000_000);
        const string other = "fedcba9876543210fedcba9876543210";
        await PutAsync(store, "videos/a", RandomNumberGenerator.GetBytes(1000));
        cache.Find(Uid, "job", "a.mp4", "videos/a", 1000);
        cache.Find(other, "job", "a.mp4", "videos/a", 1000);
        await cache.DrainAsync();

        // Only the first video exists in the database.
        var database = new SqliteDatabase(Path.Combine(_scratch.Path, "test.db"));
        await database.MigrateAsync(CancellationToken.None);
        await new SqlCredentialStore(database).EnsureAccountAsync(other, DateTimeOffset.UtcNow, CancellationToken.None);
        await new SqlVideoStore(database).InsertAsync(new Video
        {
            Uid = Uid,
            AccountId = other,
            State = VideoStates.Ready,
            Created = DateTimeOffset.UtcNow,
            Modified = DateTimeOffset.UtcNow,
        }, null, CancellationToken.None);
        await new DeliveryCacheSweeper(cache, new SqlVideoStore(database), TimeProvider.System, NullLogger<DeliveryCacheSweeper>.Instance)
            .SweepAsync(CancellationToken.None);
        Assert.Equal([Uid], cache.Videos());
        Assert.Single(Directory.GetFiles(Path.Combine(_scratch.Path, "delivery-cache")));

        var options = Options.Create(new DownstreamOptions { ScratchDir = _scratch.Path, S3CacheBytes = 10_000_000 });
        _ = new DeliveryCache(store, options, TimeProvider.System, NullLogger<DeliveryCache>.Instance);
        Assert.Empty(Directory.GetFiles(Path.Combine(_scratch.Path, "delivery-cache")));
    }

    public void Dispose()
    {
        _store?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _scratch.Dispose();
    }
}
