namespace Downstream.Server.Tests.Support;

/// <summary>Waits for a condition by polling with a deadline; no fixed sleeps.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, int intervalMs = 100)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {last}");
            }

            await Task.Delay(intervalMs);
            last = await probe();
        }

        return last;
    }
}
