using Downstream.Client.Core;
using Downstream.Client.Services;

namespace Downstream.Client;

/// <summary>
/// A client of the Cloudflare Stream API, shaped like the official SDKs:
/// <c>client.Stream.Downloads.Get(identifier, new DownloadGetParams { AccountId = ... })</c>.
/// Methods are asynchronous and, as in Cloudflare's Stainless SDKs, carry no <c>Async</c> suffix.
/// Thread-safe; reuse one instance.
/// </summary>
public sealed class CloudflareClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <param name="options">Settings; unset values come from the environment (<see cref="ClientOptions.WithEnvironmentDefaults"/>).</param>
    /// <param name="httpClient">An HttpClient to send with, for example from IHttpClientFactory; the client does not dispose it.</param>
    public CloudflareClient(ClientOptions? options = null, HttpClient? httpClient = null)
        : this(options, httpClient, TimeProvider.System)
    {
    }

    internal CloudflareClient(ClientOptions? options, HttpClient? httpClient, TimeProvider time)
    {
        Options = (options ?? new ClientOptions()).WithEnvironmentDefaults();
        if (string.IsNullOrEmpty(Options.ApiToken) && (string.IsNullOrEmpty(Options.ApiEmail) || string.IsNullOrEmpty(Options.ApiKey)))
        {
            throw new ArgumentException(
                "No credentials: set ApiToken (or CLOUDFLARE_API_TOKEN), or ApiEmail and ApiKey (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY).",
                nameof(options));
        }

        _ownsHttp = httpClient is null;
        // Per-attempt timeouts are enforced by the client itself.
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        Stream = new StreamService(new ApiTransport(_http, Options, time));
    }

    /// <summary>The options in force, environment defaults applied.</summary>
    public ClientOptions Options { get; }

    /// <summary>Videos, and their downloads under <see cref="StreamService.Downloads"/>.</summary>
    public StreamService Stream { get; }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
