using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Downstream.Client.Core;

/// <summary>
/// When to retry and how long to wait, as the official SDKs decide: <c>x-should-retry</c> first, then
/// 408, 409, 429 and 5xx; the wait comes from <c>retry-after-ms</c> or <c>Retry-After</c> (at most
/// 60 s), else exponential backoff from 0.5 s up to 8 s with up to 25 % jitter. Pure, for tests.
/// </summary>
internal static class RetryPolicy
{
    public static readonly TimeSpan MaxServerDelay = TimeSpan.FromSeconds(60);

    public static bool ShouldRetry(HttpStatusCode status, HttpResponseHeaders headers)
    {
        if (headers.TryGetValues("x-should-retry", out var values))
        {
            var value = values.FirstOrDefault();
            if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return (int)status is 408 or 409 or 429 or >= 500;
    }

    /// <summary>For a request that creates something: whether this answer says it was not carried out, so trying again is safe.</summary>
    public static bool NotCarriedOut(HttpStatusCode status, HttpResponseHeaders headers) =>
        (int)status is 408 or 409 or 429
        || (headers.TryGetValues("x-should-retry", out var values) && string.Equals(values.FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    public static TimeSpan Delay(int retry, HttpResponseHeaders? headers, DateTimeOffset now, double random)
    {
        if (headers is not null && ServerDelay(headers, now) is { } server && server >= TimeSpan.Zero)
        {
            return server > MaxServerDelay ? MaxServerDelay : server;
        }

        var seconds = Math.Min(0.5 * Math.Pow(2, retry - 1), 8.0);
        return TimeSpan.FromSeconds(seconds * (1 - (random * 0.25)));
    }

    private static TimeSpan? ServerDelay(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            return retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : null);
        }

        return null;
    }
}
