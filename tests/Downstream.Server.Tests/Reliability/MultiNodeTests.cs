using System.Net;
using System.Security.Cryptography;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>
/// Two API nodes and two workers, separate processes on one PostgreSQL and one bucket: any node answers
/// any request, and a worker killed mid-transcode hands its job to the other once the lease runs out.
/// Runs in the PostgreSQL + S3 pass of scripts/test.
/// </summary>
public sealed class MultiNodeTests : IAsyncLifetime
{
    private readonly List<TempDir> _dirs = [];
    private readonly List<ServerProcess> _nodes = [];
    private readonly MediaFiles _media = new();

    [SkippableFact]
    public async Task Uploads_on_one_api_node_downloads_on_the_other_all_ready_and_identical_from_both()
    {
        Skip.IfNot(Backends.PostgresS3, "runs on the PostgreSQL + S3 backend");
        var (apis, _) = await StartClusterAsync();
        var uids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            uids.Add(await new StreamApi(apis[i % 2].Http).UploadReadyAsync(await _media.H264AacAsync()));
        }

        for (var i = 0; i < uids.Count; i++)
        {
            var (status, _) = await new StreamApi(apis[(i + 1) % 2].Http).CreateDownloadAsync(uids[i]);
            Assert.Equal(HttpStatusCode.OK, status);
        }

        // The live stream on an API node follows a job that a worker runs: the change reaches it through the database.
        var watched = await new StreamApi(apis[1].Http).WatchDownloadsAsync(uids[^1], seconds: 180);
        Assert.Equal("ready", watched[^1].Data.GetProperty("default").GetProperty("status").GetString());

        foreach (var (uid, i) in uids.Select((u, i) => (u, i)))
        {
            var entry = await new StreamApi(apis[i % 2].Http).WaitForDownloadAsync(uid, "default", seconds: 180);
            Assert.Equal("ready", entry.GetProperty("status").GetString());
            var first = SHA256.HashData(await apis[0].Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4"));
            var second = SHA256.HashData(await apis[1].Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4"));
            Assert.Equal(first, second);
        }
    }

    [SkippableFact]
    public async Task A_tus_upload_goes_on_whichever_api_node_takes_each_chunk_and_arrives_whole()
    {
        Skip.IfNot(Backends.PostgresS3, "runs on the PostgreSQL + S3 backend");
        var (apis, _) = await StartClusterAsync();
        var bytes = await File.ReadAllBytesAsync(await _media.LongAsync(20));
        var stream = new StreamApi(apis[0].Http).Stream;
        using var created = await Integration.TusTests.CreateAsync(apis[0].Http, stream, bytes.Length, query: "?direct_user=true");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var uid = created.Headers.GetValues("stream-media-id").Single();
        var path = created.Headers.Location!.PathAndQuery;

        // Chunks of uneven sizes, each to the other node, each node reading the offset the other recorded.
        var offset = 0L;
        for (var i = 0; offset < bytes.Length; i++)
        {
            var node = apis[i % 2].Http;
            Assert.Equal(offset, await Integration.TusTests.HeadOffsetAsync(node, path, token: null));
            var size = (int)Math.Min(bytes.Length - offset, (bytes.Length / 5) + (i * 7919));
            using var patch = await Integration.TusTests.PatchAsync(node, path, offset, bytes.AsMemory((int)offset, size), token: null);
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
            offset += size;
        }

        var video = await new StreamApi(apis[1].Http).WaitForVideoAsync(uid);
        Assert.Equal("ready", video.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData((await apis[0].Media.ReadAsync($"videos/{uid}/source"))!));
        Assert.DoesNotContain(await apis[0].Media.KeysAsync($"videos/{uid}/"), key => key.Contains("/tus/", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_worker_killed_mid_transcode_leaves_the_job_to_the_other_and_it_is_never_run_twice_at_once()
    {
        Skip.IfNot(Backends.PostgresS3, "runs on the PostgreSQL + S3 backend");
        var (apis, workers) = await StartClusterAsync();
        var api = new StreamApi(apis[0].Http);
        var uid = await api.UploadReadyAsync(await _media.LongAsync(60));
        await new StreamApi(apis[1].Http).CreateDownloadAsync(uid);

        // Whichever worker writes a log for this video runs it.
        var running = await Poll.UntilAsync(
            () => Task.FromResult(workers.FirstOrDefault(w => JobLogs(w, uid).Length > 0)),
            w => w is not null, TimeSpan.FromSeconds(60), "a worker to start the transcode");
        await Poll.UntilAsync(async () => (await api.GetDownloadsAsync(uid)).Body.GetProperty("result").GetProperty("default"),
            e => e.GetProperty("percentComplete").GetDouble() > 0, TimeSpan.FromSeconds(60), "the transcode to make progress", 50);
        await running!.KillAsync(tree: true);
        var killedAt = DateTime.UtcNow;
        var survivor = workers.Single(w => w != running);

        var done = await api.WaitForDownloadAsync(uid, "default", seconds: 240);
        Assert.Equal("ready", done.GetProperty("status").GetString());

        // One ffmpeg start on each worker, and the survivor's only after the other was dead.
        Assert.Equal(1, FfmpegStarts(running, uid));
        Assert.Equal(1, FfmpegStarts(survivor, uid));
        Assert.True(File.GetCreationTimeUtc(Assert.Single(JobLogs(survivor, uid))) >= killedAt.AddMilliseconds(-50), "the survivor started while the first worker still ran");

        using var dir = new TempDir();
        await File.WriteAllBytesAsync(dir.File("out.mp4"), await apis[1].Http.GetByteArrayAsync($"/{uid}/downloads/default.mp4"));
        using var probe = await Ffmpeg.ProbeAsync(dir.File("out.mp4"));
        Assert.InRange(double.Parse(probe.RootElement.GetProperty("format").GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 59.5, 60.5);
    }

    private async Task<(ServerProcess[] Apis, ServerProcess[] Workers)> StartClusterAsync()
    {
        var shared = await Backends.ForDataDirAsync(Path.Combine(Path.GetTempPath(), $"cluster-{Guid.NewGuid():N}"));
        async Task<ServerProcess> Node(string role)
        {
            // The sample unit's settings; the port and the data folder are the test's own, and the unit's
            // EnvironmentFile (the shared database and bucket) is the test backend's.
            var unit = SystemdUnit.Read($"downstream-{role}.service");
            Assert.EndsWith("Downstream.Server.dll", unit.ExecStart, StringComparison.Ordinal);
            Assert.Equal(role, unit.Environment["DOWNSTREAM_ROLE"]);
            var dir = new TempDir($"downstream-{role}");
            _dirs.Add(dir);
            var settings = new Dictionary<string, string>(shared);
            foreach (var (name, value) in unit.Environment.Where(e => e.Key is not ("ASPNETCORE_URLS" or "DOWNSTREAM_DATA_DIR")))
            {
                settings[name] = value;
            }

            var node = await ServerProcess.StartAsync(dir.Path, settings);
            _nodes.Add(node);
            return node;
        }

        // One node first, so the schema is made once before the others race for it.
        var first = await Node("api");
        var rest = await Task.WhenAll(Node("api"), Node("worker"), Node("worker"));
        return ([first, rest[0]], [rest[1], rest[2]]);
    }

    private static string[] JobLogs(ServerProcess node, string uid)
    {
        var folder = Path.Combine(node.DataDir, "logs", "jobs", uid);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.log") : [];
    }

    private static int FfmpegStarts(ServerProcess node, string uid) =>
        JobLogs(node, uid).Sum(log => File.ReadLines(log).Count(line => line.StartsWith("ffmpeg ", StringComparison.Ordinal)));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (var dir in _dirs)
        {
            dir.Dispose();
        }

        _media.Dispose();
    }
}
