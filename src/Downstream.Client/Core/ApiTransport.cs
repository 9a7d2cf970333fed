using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Downstream.Client.Exceptions;
using Downstream.Client.Models;

namespace Downstream.Client.Core;

/// <summary>
/// Sends requests with auth headers, per-attempt timeouts and retries, and turns the envelope into
/// a result or a typed exception.
/// </summary>
internal sealed class ApiTransport(HttpClient http, ClientOptions options, TimeProvider time)
{
    private static readonly string UserAgent = $"Downstream.Client/{typeof(ApiTransport).Assembly.GetName().Version?.ToString(3)}";

    public ClientOptions Options => options;

    public HttpClient Http => http;

    /// <summary>Sends and returns the envelope; <paramref name="content"/> is made anew for each attempt.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The path below the base URL.</param>
    /// <param name="content">Makes the body of one attempt.</param>
    /// <param name="cancellationToken">Cancels all attempts.</param>
    /// <param name="attemptTimeout">Time allowed for each attempt; default <see cref="ClientOptions.Timeout"/>.</param>
    /// <param name="creates">
    /// The request makes something new (an upload, a copy): it is tried again only when it cannot have been
    /// carried out (no connection made; 408, 409, 429; or <c>x-should-retry: true</c>), never after a timeout or a 5xx,
    /// which could leave two videos where one was asked for.
    /// </param>
    public async Task<Envelope> SendAsync(
        HttpMethod method, string path, Func<HttpContent?>? content, CancellationToken cancellationToken, TimeSpan? attemptTimeout = null, bool creates = false)
    {
        var limit = attemptTimeout ?? options.Timeout;
        cancellationToken.ThrowIfCancellationRequested();
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, options.BaseUrl + path) { Content = content?.Invoke() };
            Authorize(request);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.UserAgent.ParseAdd(UserAgent);
            request.Headers.TryAddWithoutValidation("X-Stainless-Retry-Count", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException)
            {
                var timedOut = ex is OperationCanceledException;
                if (attempt >= options.MaxRetries || (creates && !NeverSent(ex)))
                {
                    throw new ConnectionException(timedOut
                        ? $"{method} {path} timed out after {limit.TotalSeconds:0.#} s ({attempt + 1} attempts)."
                        : $"{method} {path} failed to connect: {ex.Message} ({attempt + 1} attempts).", ex)
                    { IsTimeout = timedOut };
                }

                await Task.Delay(RetryPolicy.Delay(attempt + 1, null, time.GetUtcNow(), Random.Shared.NextDouble()), time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return Parse(body, response.StatusCode) ?? new Envelope { Success = true };
                }

                if (attempt < options.MaxRetries && RetryPolicy.ShouldRetry(response.StatusCode, response.Headers)
                    && (!creates || RetryPolicy.NotCarriedOut(response.StatusCode, response.Headers)))
                {
                    var delay = RetryPolicy.Delay(attempt + 1, response.Headers, time.GetUtcNow(), Random.Shared.NextDouble());
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var errors = TryParse(body)?.Errors ?? [new ApiMessage { Code = (int)response.StatusCode, Message = Shorten(body) }];
                throw ApiExceptionFactory.Create(response.StatusCode, errors, body);
            }
        }
    }

    public async Task<T> SendAsync<T>(
        HttpMethod method, string path, Func<HttpContent?>? content, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        CancellationToken cancellationToken, bool creates = false)
    {
        var envelope = await SendAsync(method, path, content, cancellationToken, creates: creates).ConfigureAwait(false);
        return envelope.Result.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            ? throw new CloudflareException($"{method} {path} answered without a result.")
            : envelope.Result.Deserialize(type)!;
    }

    /// <summary>True when the request failed before a connection was made, so the server cannot have seen it.</summary>
    private static bool NeverSent(Exception ex) =>
        ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    public void Authorize(HttpRequestMessage request)
    {
        if (options.ApiToken is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (options.ApiEmail is { Length: > 0 } email && options.ApiKey is { Length: > 0 } key)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Email", email);
            request.Headers.TryAddWithoutValidation("X-Auth-Key", key);
        }
    }

    public static StringContent Json(JsonElement body) =>
        new(body.GetRawText(), Encoding.UTF8, "application/json");

    private static Envelope? Parse(string body, HttpStatusCode status)
    {
        if (body.Length == 0)
        {
            return null;
        }

        return TryParse(body) ?? throw new CloudflareException($"The server answered {(int)status} with a body that is not the JSON envelope: {Shorten(body)}");
    }

    private static Envelope? TryParse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ClientJsonContext.Default.Envelope);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
