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
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenRangeAsync("videos/a/missing", 0, 10, CancellationToken.None));

        await store.DeletePrefixAsync("videos/a/", CancellationToken.None);
        Assert.Null(await store.GetAsync("videos/a/source", CancellationToken.None));
        Assert.Null(await store.GetAsync("videos/a/downloads/default.mp4", CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_ranged_read_whose_kept_url_is_refused_signs_a_new_one_and_sees_a_replaced_object()
    {
        using var store = await NewStoreAsync();
        var first = RandomNumberGenerator.GetBytes(100_000);
        await PutAsync(store, "videos/h/downloads/default.mp4", first);
        Assert.Equal(first.AsSpan(10, 1000).ToArray(), await ReadRangeAsync(store, "videos/h/downloads/default.mp4", 10, 1000));

        store.SpoilReadUrl("videos/h/downloads/default.mp4");
        var second = RandomNumberGenerator.GetBytes(100_000);
        await PutAsync(store, "videos/h/downloads/default.mp4", second);
        Assert.Equal(second.AsSpan(10, 1000).ToArray(), await ReadRangeAsync(store, "videos/h/downloads/default.mp4", 10, 1000));
    }

    private static async Task<byte[]> ReadRangeAsync(S3BlobStore store, string key, long offset, long count)
    {
        await using var range = await store.OpenRangeAsync(key, offset, count, CancellationToken.None);
        using var copy = new MemoryStream();
        await range.CopyToAsync(copy);
        return copy.ToArray();
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
    public async Task A_write_reported_as_it_grows_sends_parts_before_commit_and_shows_the_object_only_at_commit()
    {
        const long part = 5 * 1024 * 1024;
        using var store = await NewStoreAsync(part);
        var bytes = RandomNumberGenerator.GetBytes((int)(2.5 * part));
        await using var write = await store.BeginWriteAsync("videos/d/source", CancellationToken.None);
        await using (var file = new FileStream(write.StagingPath, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            for (var offset = 0; offset < bytes.Length; offset += 1024 * 1024)
            {
                await file.WriteAsync(bytes.AsMemory(offset, Math.Min(1024 * 1024, bytes.Length - offset)));
                await file.FlushAsync();
                write.Written(file.Length, complete: false);
            }
        }

        // The whole parts are on their way (or there) before the file is declared complete.
        var upload = await Poll.UntilAsync(() => OpenUploadAsync(store, "videos/d/source"), u => u is not null, TimeSpan.FromSeconds(30), "a multipart upload to start");
        await Poll.UntilAsync(async () => (await store.Client.ListPartsAsync(store.Bucket, "videos/d/source", upload!.UploadId)).Parts?.Count ?? 0,
            n => n == 2, TimeSpan.FromSeconds(30), "the two whole parts to arrive");
        Assert.Null(await store.GetAsync("videos/d/source", CancellationToken.None));

        write.Written(bytes.Length, complete: true);
        await write.CommitAsync(CancellationToken.None);
        await using var local = await store.OpenLocalAsync("videos/d/source", CancellationToken.None);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(local!.Path));
        Assert.Null(await OpenUploadAsync(store, "videos/d/source"));
    }

    [SkippableFact]
    public async Task An_abandoned_streamed_write_aborts_its_upload_and_leaves_nothing()
    {
        const long part = 5 * 1024 * 1024;
        using var store = await NewStoreAsync(part);
        await using (var write = await store.BeginWriteAsync("videos/e/source", CancellationToken.None))
        {
            await File.WriteAllBytesAsync(write.StagingPath, RandomNumberGenerator.GetBytes((int)(1.5 * part)));
            write.Written(part + 1, complete: false);
            await Poll.UntilAsync(() => OpenUploadAsync(store, "videos/e/source"), u => u is not null, TimeSpan.FromSeconds(30), "a multipart upload to start");
        }

        Assert.Null(await OpenUploadAsync(store, "videos/e/source"));
        Assert.Null(await store.GetAsync("videos/e/source", CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_scratch.Path));
    }

    [SkippableFact]
    public async Task Multipart_uploads_left_open_by_a_crash_are_aborted_once_old()
    {
        using var store = await NewStoreAsync();
        await store.Client.InitiateMultipartUploadAsync(store.Bucket, "videos/g/source");
        Assert.Equal(0, await store.AbortStaleUploadsAsync(TimeSpan.FromDays(1), DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.NotNull(await OpenUploadAsync(store, "videos/g/source"));
        Assert.Equal(1, await store.AbortStaleUploadsAsync(TimeSpan.FromDays(1), DateTimeOffset.UtcNow.AddDays(2), CancellationToken.None));
        Assert.Null(await OpenUploadAsync(store, "videos/g/source"));
    }

    [SkippableFact]
    public async Task A_staging_file_that_grew_after_it_was_reported_complete_is_not_published()
    {
        const long part = 5 * 1024 * 1024;
        using var store = await NewStoreAsync(part);
        await using var write = await store.BeginWriteAsync("videos/f/source", CancellationToken.None);
        await File.WriteAllBytesAsync(write.StagingPath, new byte[part + 10]);
        write.Written(part + 10, complete: true);
        await File.AppendAllTextAsync(write.StagingPath, "more");
        await Assert.ThrowsAsync<InvalidOperationException>(() => write.CommitAsync(CancellationToken.None));
        Assert.Null(await store.GetAsync("videos/f/source", CancellationToken.None));
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

    private async Task<S3BlobStore> NewStoreAsync(long? partSize = null)
    {
        Skip.If(Backends.S3Endpoint is null, "needs the test RADOS Gateway (scripts/test starts it)");
        var client = S3BlobStore.CreateClient(Backends.S3Endpoint!, "us-east-1");
        var bucket = $"t-{Guid.NewGuid():N}";
        var store = partSize is { } size ? new S3BlobStore(client, bucket, _scratch.Path, size, size) : new S3BlobStore(client, bucket, _scratch.Path);
        await store.EnsureBucketAsync(CancellationToken.None);
        return store;
    }

    private static async Task<Amazon.S3.Model.MultipartUpload?> OpenUploadAsync(S3BlobStore store, string key)
    {
        var uploads = await store.Client.ListMultipartUploadsAsync(new Amazon.S3.Model.ListMultipartUploadsRequest { BucketName = store.Bucket, Prefix = key });
        return uploads.MultipartUploads?.FirstOrDefault(u => u.Key == key);
    }

    private static async Task PutAsync(S3BlobStore store, string key, byte[] bytes)
    {
        await using var write = await store.BeginWriteAsync(key, CancellationToken.None);
        await File.WriteAllBytesAsync(write.StagingPath, bytes);
        await write.CommitAsync(CancellationToken.None);
    }

    public void Dispose() => _scratch.Dispose();
}
