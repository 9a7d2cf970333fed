using System.Net;
using Downstream.Server.Downloads;
using Downstream.Server.Hosting;
using Downstream.Server.Jobs;
using Downstream.Server.Media;
using Downstream.Server.Network;
using Downstream.Server.Storage;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Downstream.Server.Videos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Tests.Unit;

/// <summary>A copy whose result can no longer be written cleans up only what is not another claim's.</summary>
public sealed class CopyJobHandlerTests : IAsyncLifetime, IDisposable
{
    private const string AccountId = "fedcba9876543210fedcba9876543210";
    private readonly TempDir _dir = new("downstream-copy");
    private readonly MediaFiles _media = new();
    private readonly IOptions<DownstreamOptions> _options = Options.Create(new DownstreamOptions
    {
        CopyIdleTimeout = TimeSpan.FromSeconds(30),
        CopyConnectTimeout = TimeSpan.FromSeconds(5),
    });

    private SqliteDatabase _database = null!;
    private SqlVideoStore _videos = null!;
    private LocalBlobStore _blobs = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_dir.File("test.db"));
        await _database.MigrateAsync(CancellationToken.None);
        await new SqlCredentialStore(_database).EnsureAccountAsync(AccountId, DateTimeOffset.UtcNow, CancellationToken.None);
        _videos = new SqlVideoStore(_database);
        _blobs = new LocalBlobStore(_dir.File("media"));
    }

    /// <summary>A video being copied from <paramref name="sourceUrl"/> and its copy job, claimed as <paramref name="claimId"/>.</summary>
    private async Task<(Video Video, Job Job)> QueueCopyAsync(string sourceUrl, string jobId, string claimId, DateTimeOffset now)
    {
        var video = new Video
        {
            Uid = Guid.NewGuid().ToString("N"),
            AccountId = AccountId,
            State = VideoStates.Downloading,
            SourceUrl = sourceUrl,
            Created = now,
            Modified = now,
        };
        var job = new Job { Id = jobId, Kind = JobKinds.Copy, VideoUid = video.Uid, Attempts = 1, AvailableAt = now, Created = now, ClaimId = claimId };
        await _videos.InsertAsync(video, job, CancellationToken.None);
        return (video, job);
    }

    private CopyJobHandler Handler(MediaProber prober) =>
        new(_videos, _blobs, new VideoIngest(prober, TimeProvider.System, NullLogger<VideoIngest>.Instance),
            Fetcher(), _options, TimeProvider.System, NullLogger<CopyJobHandler>.Instance);

    [Fact]
    public async Task A_lapsed_claim_finishing_after_a_newer_one_leaves_the_ready_video_its_files()
    {
        await using var origin = new GatedOrigin(await _media.H264AacAsync());
        var now = DateTimeOffset.UtcNow;
        var (video, job) = await QueueCopyAsync(origin.Url, "copy-1", "lapsed", now);
        using var prober = new MediaProber(_options, NullLogger<MediaProber>.Instance);
        var lapsed = Handler(prober).RunAsync(job, CancellationToken.None);
        await origin.Started.WaitAsync(TimeSpan.FromSeconds(30));

        // Meanwhile a newer claim of the same job finished the video and a download was made from it.
        Assert.True(await _videos.FinishIngestAsync(
            video with { State = VideoStates.Ready, PctComplete = 100, ReadyAt = now, Uploaded = now }, VideoStates.Downloading, CancellationToken.None));
        var downloadKey = DownloadType.BlobKey(video.Uid, DownloadType.Default);
        await using (var write = await _blobs.BeginWriteAsync(downloadKey, CancellationToken.None))
        {
            await File.WriteAllBytesAsync(write.StagingPath, [1, 2, 3]);
            await write.CommitAsync(CancellationToken.None);
        }

        origin.Open();
        await lapsed.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(VideoStates.Ready, (await _videos.GetAsync(video.Uid, CancellationToken.None))!.State);
        Assert.NotNull(await _blobs.GetAsync(downloadKey, CancellationToken.None));
        Assert.NotNull(await _blobs.GetAsync(VideoKeys.Source(video.Uid), CancellationToken.None));
    }

    [Fact]
    public async Task A_copy_finishing_after_its_video_was_deleted_removes_its_files()
    {
        await using var origin = new GatedOrigin(await _media.H264AacAsync());
        var (video, job) = await QueueCopyAsync(origin.Url, "copy-2", "only", DateTimeOffset.UtcNow);
        using var prober = new MediaProber(_options, NullLogger<MediaProber>.Instance);
        var copy = Handler(prober).RunAsync(job, CancellationToken.None);
        await origin.Started.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await _videos.DeleteAsync(video.Uid, CancellationToken.None));

        origin.Open();
        await copy.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Null(await _blobs.GetAsync(VideoKeys.Source(video.Uid), CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(_dir.File("media"), "videos", video.Uid)));
    }

    /// <summary>A fetcher whose policy allows exactly 127.0.0.1, where the gated origin listens.</summary>
    private OriginFetcher Fetcher()
    {
        var policy = new OutboundPolicy(new AddressRulesTests.FakeResolver([]), _options, a => a.Equals(IPAddress.Loopback));
        return new OriginFetcher(new OneClientFactory(GuardedConnector.CreateHandler(policy, TimeSpan.FromSeconds(5))), _options, NullLogger<OriginFetcher>.Instance);
    }

    private sealed class OneClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _media.Dispose();
        _dir.Dispose();
    }
}
