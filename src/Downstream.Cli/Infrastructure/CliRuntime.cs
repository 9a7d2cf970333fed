using Downstream.Client;
using Spectre.Console;

namespace Downstream.Cli.Infrastructure;

/// <summary>What every command needs from outside: the console, the environment and the client options.</summary>
public sealed class CliRuntime(IAnsiConsole console, Func<string, string?> environment, HttpMessageHandler? handler = null)
{
    public IAnsiConsole Console { get; } = console;

    /// <summary>The account: <c>--account-id</c>, else <c>CLOUDFLARE_ACCOUNT_ID</c> (wrangler's name).</summary>
    public string AccountId(GlobalSettings settings) =>
        settings.AccountId ?? environment("CLOUDFLARE_ACCOUNT_ID")
        ?? throw new CliException("No account: pass --account-id or set CLOUDFLARE_ACCOUNT_ID.");

    /// <summary>Where a resumable upload of <paramref name="file"/> keeps its URL between runs.</summary>
    public ResumeFile ResumeFile(CloudflareClient client, string account, string file) =>
        new(environment, client.Options.BaseUrl ?? "", account, file);

    public CloudflareClient Client(GlobalSettings settings)
    {
        var options = new ClientOptions
        {
            ApiToken = environment("CLOUDFLARE_API_TOKEN"),
            ApiEmail = environment("CLOUDFLARE_EMAIL"),
            ApiKey = environment("CLOUDFLARE_API_KEY"),
            BaseUrl = settings.BaseUrl ?? environment("CLOUDFLARE_BASE_URL"),
        };
        try
        {
            return new CloudflareClient(options, handler is null ? null : new HttpClient(handler, disposeHandler: false));
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }
    }
}

/// <summary>A mistake of the user's, shown as one line.</summary>
public sealed class CliException(string message) : Exception(message);
