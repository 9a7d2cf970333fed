using Downstream.Server.Storage;
using Downstream.Server.Storage.Sql;
using Downstream.Server.Storage.Sqlite;
using Downstream.Server.Tests.Support;
using Downstream.Server.Webhooks;

namespace Downstream.Server.Tests.Unit;

/// <summary>The webhook outbox: claims with a lease, retries when due, and events given up or delivered are never sent again.</summary>
public sealed class WebhookStoreTests : IAsyncLifetime
{
    private const string Account = "fedcba9876543210fedcba9876543210";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly TempDir _dir = new();
    private SqliteDatabase _database = null!;
    private SqlWebhookStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_dir.File("test.db"));
        await _database.MigrateAsync(CancellationToken.None);
        await new SqlCredentialStore(_database).EnsureAccountAsync(Account, Now, CancellationToken.None);
        _store = new SqlWebhookStore(_database);
        await _store.PutAsync(new Webhook(Account, "https://hooks.example.com/", "0123456789abcdef0123456789abcdef", false, Now), CancellationToken.None);
    }

    private async Task<string> AddEventAsync()
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var outbox = new WebhookOutbox(null!, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        await outbox.AddAsync(connection, transaction, Account, WebhookPayloads.VideoReady, "0123456789abcdef0123456789abcdef", downloadEvent: false, () => Task.FromResult("{}"), CancellationToken.None);
        await outbox.AddAsync(connection, transaction, Account, WebhookPayloads.DownloadReady, "0123456789abcdef0123456789abcdef", downloadEvent: true, () => Task.FromResult("{}"), CancellationToken.None);
        await transaction.CommitAsync();
        return (await _store.ClaimDueAsync(Now, TimeSpan.FromMinutes(1), 10, CancellationToken.None)).Single().Id;
    }

    [Fact]
    public async Task A_claimed_event_is_not_claimed_again_until_its_lease_ends_and_is_retried_when_due()
    {
        // Only the video event: this account did not ask for download events.
        var id = await AddEventAsync();
        Assert.Empty(await _store.ClaimDueAsync(Now.AddSeconds(30), TimeSpan.FromMinutes(1), 10, CancellationToken.None));
        var again = Assert.Single(await _store.ClaimDueAsync(Now.AddSeconds(61), TimeSpan.FromMinutes(1), 10, CancellationToken.None));
        Assert.Equal((id, 2), (again.Id, again.Attempts));

        await _store.FailedAsync(id, Now.AddSeconds(100), "The receiver answered 503.", CancellationToken.None);
        Assert.Empty(await _store.ClaimDueAsync(Now.AddSeconds(99), TimeSpan.FromMinutes(1), 10, CancellationToken.None));
        Assert.Equal(3, Assert.Single(await _store.ClaimDueAsync(Now.AddSeconds(100), TimeSpan.FromMinutes(1), 10, CancellationToken.None)).Attempts);

        await _store.DeliveredAsync(id, Now.AddSeconds(101), CancellationToken.None);
        Assert.Empty(await _store.ClaimDueAsync(Now.AddDays(1), TimeSpan.FromMinutes(1), 10, CancellationToken.None));
    }

    [Fact]
    public async Task An_event_given_up_is_never_sent_again_and_backoff_grows_to_an_hour()
    {
        var id = await AddEventAsync();
        await _store.FailedAsync(id, null, "gave up", CancellationToken.None);
        Assert.Empty(await _store.ClaimDueAsync(Now.AddDays(2), TimeSpan.FromMinutes(1), 10, CancellationToken.None));

        Assert.Equal(
            [1, 2, 4, 8, 16, 3600],
            new[] { 1, 2, 3, 4, 5, 30 }.Select(a => WebhookDispatcher.Backoff(a).TotalSeconds));
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
