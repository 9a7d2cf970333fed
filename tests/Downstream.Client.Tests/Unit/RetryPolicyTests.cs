using System.Net;
using Downstream.Client.Core;

namespace Downstream.Client.Tests.Unit;

public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static HttpResponseMessage With(params (string, string)[] headers)
    {
        var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(409, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(413, false)]
    public void Retries_the_statuses_the_official_sdks_retry(int status, bool retry)
    {
        Assert.Equal(retry, RetryPolicy.ShouldRetry((HttpStatusCode)status, With().Headers));
    }

    [Fact]
    public void X_should_retry_overrides_the_status()
    {
        Assert.False(RetryPolicy.ShouldRetry(HttpStatusCode.ServiceUnavailable, With(("x-should-retry", "false")).Headers));
        Assert.True(RetryPolicy.ShouldRetry(HttpStatusCode.BadRequest, With(("x-should-retry", "true")).Headers));
    }

    [Fact]
    public void Server_delays_are_honoured_and_capped_at_60_seconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), RetryPolicy.Delay(1, With(("retry-after-ms", "1500")).Headers, Now, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.Delay(1, With(("Retry-After", "3")).Headers, Now, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(60), RetryPolicy.Delay(1, With(("Retry-After", "3600")).Headers, Now, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(10), RetryPolicy.Delay(1, With(("Retry-After", Now.AddSeconds(10).ToString("R"))).Headers, Now, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(200), RetryPolicy.Delay(1, With(("retry-after-ms", "200"), ("Retry-After", "9")).Headers, Now, 0.5));
    }

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(2, 0.0, 1000)]
    [InlineData(3, 0.0, 2000)]
    [InlineData(5, 0.0, 8000)]
    [InlineData(9, 0.0, 8000)]
    [InlineData(1, 1.0, 375)]
    [InlineData(5, 1.0, 6000)]
    public void Backoff_doubles_from_half_a_second_to_8_seconds_with_jitter(int retry, double random, double expectedMs)
    {
        Assert.Equal(expectedMs, RetryPolicy.Delay(retry, null, Now, random).TotalMilliseconds, 3);
    }
}
