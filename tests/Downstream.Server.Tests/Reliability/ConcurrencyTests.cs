using System.Net;
using System.Security.Cryptography;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

[Collection(ServerCollection.Name)]
public sealed class ConcurrencyTests(ServerFixture fixture)
{
    [Fact]
    public async Task A_hundred_parallel_posts_start_exactly_one_ffmpeg()
    {
        var api = fixture.Api;
        var uid = await api.UploadReadyAsync(await fixture.Media.Mpeg4Mp3Async());
        using var start = new ManualResetEventSlim();
        var posts = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await api.CreateDownloadAsync(uid, "default");
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(posts);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        await api.WaitForDownloadAsync(uid, "default");

        var log = Assert.Single(JobLogFiles.For(fixture.Server.DataDir, uid, "default.mp4"));
        Assert.Single(File.ReadLines(log), line => line.StartsWith("ffmpeg ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Twenty_parallel_uploads_land_with_their_sizes_and_checksums()
    {
        var api = fixture.Api;
        var baseFile = await File.ReadAllBytesAsync(await fixture.Media.H264AacAsync());
        using var dir = new TempDir();
        var files = Enumerable.Range(0, 20).Select(i =>
        {
            // Trailing bytes after the MP4 boxes make every file distinct; players and ffprobe ignore them.
            var bytes = baseFile.Concat(RandomNumberGenerator.GetBytes(1000 + (i * 977))).ToArray();
            var path = dir.File($"upload-{i}.mp4");
            File.WriteAllBytes(path, bytes);
            return (Path: path, Size: (long)bytes.Length, Hash: Convert.ToHexString(SHA256.HashData(bytes)));
        }).ToList();

        var videos = await Task.WhenAll(files.Select(f => api.UploadAsync(f.Path)));
        for (var i = 0; i < files.Count; i++)
        {
            var video = videos[i];
            Assert.Equal("ready", video.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(files[i].Size, video.GetProperty("size").GetInt64());
            Assert.Equal($"upload-{i}.mp4", video.GetProperty("meta").GetProperty("name").GetString());
            var stored = await fixture.Server.Media.ReadAsync($"videos/{video.GetProperty("uid").GetString()}/source");
            Assert.Equal(files[i].Hash, Convert.ToHexString(SHA256.HashData(stored!)));
        }

        Assert.Equal(20, videos.Select(v => v.GetProperty("uid").GetString()).Distinct().Count());
    }
}
