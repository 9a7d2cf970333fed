using Downstream.Server.Api;
using Downstream.Server.Auth;
using Downstream.Server.Storage;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Hosting;

/// <summary>What the first start set up: the default account, and a token to print once when one was made.</summary>
public sealed record BootstrapResult(string AccountId, string? NewToken);

/// <summary>
/// Makes sure the default account and the configured credentials exist. When no credential is
/// configured and none exists, it creates a read-write token for the caller to print once.
/// </summary>
public sealed class Bootstrap(ICredentialStore credentials, IOptions<DownstreamOptions> options, TimeProvider time)
{
    public const string DefaultAccountSetting = "default_account";

    public async Task<BootstrapResult> RunAsync(bool firstStartToken, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var accountId = settings.AccountId
            ?? await credentials.GetSettingAsync(DefaultAccountSetting, cancellationToken)
            ?? Ids.New();
        await credentials.EnsureAccountAsync(accountId, now, cancellationToken);
        await credentials.SetSettingAsync(DefaultAccountSetting, accountId, cancellationToken);

        if (settings.ApiToken is { Length: > 0 } configuredToken)
        {
            // Created when absent; a token revoked since stays revoked (docs/decisions.md).
            await credentials.AddTokenAsync(NewToken(configuredToken, accountId, "DOWNSTREAM_API_TOKEN", canWrite: true, now), cancellationToken);
        }

        if (string.IsNullOrEmpty(settings.AuthEmail) != string.IsNullOrEmpty(settings.AuthKey))
        {
            throw new OptionsValidationException(DownstreamOptions.SectionName, typeof(DownstreamOptions),
                ["DOWNSTREAM_AUTH_EMAIL and DOWNSTREAM_AUTH_KEY must be set together."]);
        }

        if (settings.AuthEmail is { Length: > 0 } email)
        {
            await credentials.UpsertUserAsync(Emails.Normalize(email), Secrets.Hash(settings.AuthKey!), accountId, now, cancellationToken);
        }

        string? created = null;
        if (firstStartToken && !await credentials.AnyCredentialAsync(cancellationToken))
        {
            created = Secrets.NewToken();
            await credentials.AddTokenAsync(NewToken(created, accountId, "first start", canWrite: true, now), cancellationToken);
        }

        return new BootstrapResult(accountId, created);
    }

    public static ApiToken NewToken(string secret, string accountId, string name, bool canWrite, DateTimeOffset now) => new()
    {
        Id = Ids.New(),
        SecretHash = Secrets.Hash(secret),
        AccountId = accountId,
        CanWrite = canWrite,
        Name = name,
        Created = now,
    };
}
