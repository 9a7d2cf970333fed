namespace Downstream.Client;

/// <summary>
/// Settings of a <see cref="CloudflareClient"/>. Unset credentials and base URL fall back to the
/// environment variables the official Cloudflare SDKs read.
/// </summary>
public sealed record ClientOptions
{
    /// <summary>Cloudflare's API base. Point <see cref="BaseUrl"/> at a Downstream server to use it instead.</summary>
    public const string CloudflareBaseUrl = "https://api.cloudflare.com/client/v4";

    /// <summary>An API token, sent as <c>Authorization: Bearer</c>. Default: <c>CLOUDFLARE_API_TOKEN</c>.</summary>
    public string? ApiToken { get; init; }

    /// <summary>The e-mail of a global API key. Default: <c>CLOUDFLARE_EMAIL</c>.</summary>
    public string? ApiEmail { get; init; }

    /// <summary>A global API key, used with <see cref="ApiEmail"/>. Default: <c>CLOUDFLARE_API_KEY</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The API base URL. Default: <c>CLOUDFLARE_BASE_URL</c>, else <see cref="CloudflareBaseUrl"/>.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Retries after the first attempt for retryable failures. Default 2.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>Time allowed for each attempt. Default 60 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>These options with every unset value taken from the environment.</summary>
    public ClientOptions WithEnvironmentDefaults() => this with
    {
        ApiToken = ApiToken ?? Env("CLOUDFLARE_API_TOKEN"),
        ApiEmail = ApiEmail ?? Env("CLOUDFLARE_EMAIL"),
        ApiKey = ApiKey ?? Env("CLOUDFLARE_API_KEY"),
        BaseUrl = (BaseUrl ?? Env("CLOUDFLARE_BASE_URL") ?? CloudflareBaseUrl).TrimEnd('/'),
    };

    // Records print every property; secrets must never reach a log line or an exception message.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("BaseUrl = ").Append(BaseUrl)
            .Append(", ApiToken = ").Append(ApiToken is null ? "null" : "***")
            .Append(", ApiEmail = ").Append(ApiEmail)
            .Append(", ApiKey = ").Append(ApiKey is null ? "null" : "***")
            .Append(", MaxRetries = ").Append(MaxRetries)
            .Append(", Timeout = ").Append(Timeout);
        return true;
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
