using System.Security.Cryptography;
using Downstream.Server.Storage;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Downstream.Server.Videos;

namespace Downstream.Server.Tests.Unit;

/// <summary>The one-time capability of direct uploads: claims, releases, use, expiry and takeover of dead claims.</summary>
public sealed class DirectUploadStoreTests : IAsyncLifetime
{
    private const string Account = "fedcba9876543210fedcba9876543210";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly TempDir _dir = new();
    private SqliteDatabase _database = null!;
    private SqlDirectUploadStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_dir.File("test.db"));
        await _database.MigrateAsync(CancellationToken.None);
        await new SqlCredentialStore(_database).EnsureAccountAsync(Account, Now, CancellationToken.None);
        _store = new SqlDirectUploadStore(_database);
    }

    private async Task<(string Uid, byte[] Hash)> CreateAsync(DateTimeOffset expires)
    {
        var video = VideoService.NewVideo(Account, VideoStates.PendingUpload, Now);
        var hash = SHA256.HashData(RandomNumberGenerator.GetBytes(32));
        await _store.CreateAsync(video, hash, expires, CancellationToken.None);
        return (video.Uid, hash);
    }

    private Task<DirectUploadClaim> ClaimAsync(string uid, byte[] hash, DateTimeOffset at) =>
        _store.ClaimAsync(uid, hash, at, TimeSpan.FromHours(1), CancellationToken.None);

    [Fact]
    public async Task One_claim_at_a_time_given_back_after_a_failure_and_used_up_by_success()
    {
        var (uid, hash) = await CreateAsync(Now.AddMinutes(30));
        Assert.Equal(DirectUploadClaim.Unknown, await ClaimAsync(uid, SHA256.HashData([1]), Now));
        Assert.Equal(DirectUploadClaim.Claimed, await ClaimAsync(uid, hash, Now));
        Assert.Equal(DirectUploadClaim.Busy, await ClaimAsync(uid, hash, Now.AddMinutes(1)));

        await _store.ReleaseAsync(uid, CancellationToken.None);
        Assert.Equal(DirectUploadClaim.Claimed, await ClaimAsync(uid, hash, Now.AddMinutes(2)));
        await _store.FinishAsync(uid, CancellationToken.None);
        Assert.Equal(DirectUploadClaim.Used, await ClaimAsync(uid, hash, Now.AddMinutes(3)));
    }

    [Fact]
    public async Task A_claim_of_a_node_that_died_is_taken_over_once_stale()
    {
        var (uid, hash) = await CreateAsync(Now.AddHours(5));
        Assert.Equal(DirectUploadClaim.Claimed, await ClaimAsync(uid, hash, Now));
        Assert.Equal(DirectUploadClaim.Busy, await ClaimAsync(uid, hash, Now.AddMinutes(59)));
        Assert.Equal(DirectUploadClaim.Claimed, await ClaimAsync(uid, hash, Now.AddMinutes(61)));
    }

    [Fact]
    public async Task Open_urls_past_their_expiry_are_expired_and_refuse()
    {
        var (late, lateHash) = await CreateAsync(Now.AddMinutes(1));
        var (open, _) = await CreateAsync(Now.AddHours(1));
        Assert.Equal(DirectUploadClaim.Expired, await ClaimAsync(late, lateHash, Now.AddMinutes(2)));
        Assert.Equal([late], await _store.ExpireAsync(Now.AddMinutes(2), CancellationToken.None));
        Assert.Empty(await _store.ExpireAsync(Now.AddMinutes(3), CancellationToken.None));
        Assert.Equal(DirectUploadClaim.Expired, await ClaimAsync(late, lateHash, Now));
        Assert.Equal([open], await _store.ExpireAsync(Now.AddHours(2), CancellationToken.None));
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
