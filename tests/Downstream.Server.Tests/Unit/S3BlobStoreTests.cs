using System.Security.Cryptography;
using Downstream.Server.Storage.S3;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Unit;

/// <summary>The S3 media store against the RADOS Gateway that scripts/test starts.</summary>
public sealed class S3BlobStoreTests : IDisposable
{
    private readonly TempDir _scratch = new("downstream-s3-scratch");

    [SkippableFact]
    public async Task Blobs_round_trip_by_whole_range_and_local_copy_and_go_by_prefix()
    {
        using var store = await NewStoreAsync();
        var small = RandomNumberGenerator.GetBytes(300_000);
        var large = RandomNumberGenerator.GetBytes(70 * 1024 * 1024);
        await PutAsync(store, "videos/a/source", small);
        await PutAsync(store, "videos/a/downloads/default.mp4", large);
        Assert.Empty(Directory.GetFiles(_scratch.Path));

        var info = await store.GetAsync("videos/a/downloads/default.mp4", CancellationToken.None);
        Assert.Equal((null, large.LongLength), (info!.LocalPath, info.Length));
        Assert.Null(await store.GetAsync("videos/a/missing", CancellationToken.None));

        await using (var range = await store.OpenRangeAsync("videos/a/downloads/default.mp4", 1_000_000, 65_536, CancellationToken.None))
        {
            using var copy = new MemoryStream();
            await range.CopyToAsync(copy);
            Assert.Equal(large.AsSpan(1_000_000, 65_536).ToArray(), copy.ToArray());
        }

        await using (var local = await store.OpenLocalAsync("videos/a/source", CancellationToken.None))
        {
            Assert.Equal(small, await File.ReadAllBytesAsync(local!.Path));
        }

        Assert.Empty(Directory.GetFiles(_scratch.Path));
        Assert.Null(await store.OpenLocalAsync("videos/a/missing", CancellationToken.None));

        await store.DeletePrefixAsync("videos/a/", CancellationToken.None);
        Assert.Null(await store.GetAsync("videos/a/source", CancellationToken.None));
        Assert.Null(await store.GetAsync("videos/a/downloads/default.mp4", CancellationToken.None));
    }

    [SkippableFact]
    public async Task An_uncommitted_write_leaves_no_object_and_no_scratch_file()
    {
        using var store = await NewStoreAsync();
        await using (var write = await store.BeginWriteAsync("videos/b/source", CancellationToken.None))
        {
            await File.WriteAllBytesAsync(write.StagingPath, new byte[1000]);
        }

        Assert.Null(await store.GetAsync("videos/b/source", CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_scratch.Path));
    }

    [SkippableFact]
    public async Task Videos_whose_objects_all_went_quiet_are_found_for_the_janitor()
    {
        using var store = await NewStoreAsync();
        const string a = "11111111111111111111111111111111", b = "22222222222222222222222222222222";
        await PutAsync(store, $"videos/{a}/source", [1]);
        await PutAsync(store, $"videos/{a}/downloads/default.mp4", [2]);
        await PutAsync(store, $"videos/{b}/source", [3]);

        Assert.Empty(await store.QuietVideosAsync(TimeSpan.FromHours(1), DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal([a, b], (await store.QuietVideosAsync(TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddHours(2), CancellationToken.None)).Order());
    }

    [SkippableFact]
    public async Task A_presigned_url_serves_the_object()
    {
        using var store = await NewStoreAsync();
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        await PutAsync(store, "videos/c/downloads/audio.m4a", bytes);
        var url = await store.PresignAsync("videos/c/downloads/audio.m4a", TimeSpan.FromMinutes(1), "attachment; filename=\"x.m4a\"", DateTime.UtcNow);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode} for {url}");
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("x.m4a", response.Content.Headers.ContentDisposition?.ToString() ?? "", StringComparison.Ordinal);
    }

    private async Task<S3BlobStore> NewStoreAsync()
    {
        Skip.If(Backends.S3Endpoint is null, "needs the test RADOS Gateway (scripts/test starts it)");
        var store = new S3BlobStore(S3BlobStore.CreateClient(Backends.S3Endpoint!, "us-east-1"), $"t-{Guid.NewGuid():N}", _scratch.Path);
        await store.EnsureBucketAsync(CancellationToken.None);
        return store;
    }

    private static async Task PutAsync(S3BlobStore store, string key, byte[] bytes)
    {
        await using var write = await store.BeginWriteAsync(key, CancellationToken.None);
        await File.WriteAllBytesAsync(write.StagingPath, bytes);
        await write.CommitAsync(CancellationToken.None);
    }

    public void Dispose() => _scratch.Dispose();
}
