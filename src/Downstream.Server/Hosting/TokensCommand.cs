using Downstream.Server.Api;
using Downstream.Server.Auth;
using Downstream.Server.Storage;

namespace Downstream.Server.Hosting;

/// <summary>
/// <c>Downstream.Server tokens create|list|revoke</c>: manages API tokens in the same data folder
/// the server uses. Revocation takes effect at once, as every request reads the database.
/// </summary>
public static class TokensCommand
{
    public const string Usage = """
        Usage:
          tokens create [--account ID] [--read-only] [--name NAME]   prints the new token once
          tokens list
          tokens revoke TOKEN_ID
        """;

    public static async Task<int> RunAsync(IServiceProvider services, string defaultAccount, string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var credentials = services.GetRequiredService<ICredentialStore>();
        var time = services.GetRequiredService<TimeProvider>();
        switch (args)
        {
            case ["create", .. var rest]:
                var account = Option(rest, "--account") ?? defaultAccount;
                if (!Ids.IsValid(account))
                {
                    await Console.Error.WriteLineAsync("--account must be 32 lowercase hexadecimal characters.");
                    return 2;
                }

                var readOnly = rest.Contains("--read-only");
                var secret = Secrets.NewToken();
                var token = Bootstrap.NewToken(secret, account, Option(rest, "--name") ?? "cli", canWrite: !readOnly, time.GetUtcNow());
                await credentials.EnsureAccountAsync(account, time.GetUtcNow(), cancellationToken);
                await credentials.AddTokenAsync(token, cancellationToken);
                await output.WriteLineAsync($"id:          {token.Id}");
                await output.WriteLineAsync($"account:     {account}");
                await output.WriteLineAsync($"permissions: {(readOnly ? "Stream Read" : "Stream Read, Stream Write")}");
                await output.WriteLineAsync($"token:       {secret}");
                return 0;
            case ["list"]:
                foreach (var t in await credentials.ListTokensAsync(cancellationToken))
                {
                    var state = t.Revoked is null ? "active" : "revoked";
                    await output.WriteLineAsync($"{t.Id}  {t.AccountId}  {(t.CanWrite ? "read-write" : "read-only "),-10}  {state,-7}  {t.Name}");
                }

                return 0;
            case ["revoke", var id]:
                if (await credentials.RevokeTokenAsync(id, time.GetUtcNow(), cancellationToken))
                {
                    await output.WriteLineAsync($"revoked {id}");
                    return 0;
                }

                await Console.Error.WriteLineAsync($"No active token with id {id}.");
                return 1;
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 2;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
