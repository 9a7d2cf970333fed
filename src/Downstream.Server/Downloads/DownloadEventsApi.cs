using System.Text;
using System.Text.Json;
using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Downstream.Server.Downloads;

/// <summary>
/// <c>GET .../stream/{identifier}/downloads/events</c>: Server-Sent Events. An event <c>downloads</c> with the whole map
/// (as GET .../downloads has it) on connect and whenever a status or percentage changes, at most four a second;
/// then <c>done</c> with the final map once every download is <c>ready</c> or <c>error</c>, and the stream ends.
/// Changes are seen through the store's change stamp, so any node serves the stream of a job on any other.
/// </summary>
public static class DownloadEventsApi
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static RouteGroupBuilder MapDownloadEventsApi(this RouteGroupBuilder stream)
    {
        stream.MapGet("/{identifier}/downloads/events", Stream).WithTags("Stream Video Downloads").WithSummary("Watch downloads")
            .WithDescription("Server-Sent Events: `downloads` with the whole map at once and on each change, then `done` when every download is settled.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesErrors();
        return stream;
    }

    public static async Task Stream(
        [FromRoute(Name = "account_id")] string accountId, string identifier, HttpContext context, DownloadService service, PublicUrls urls,
        IChangeStamp stamps, TimeProvider time, CancellationToken cancellationToken)
    {
        // The stamp is read before the downloads, so a change committed in between is seen at the next tick.
        ulong? seen = stamps.TryRead(out var first) ? first : null;

        // Unknown video: the envelope 404, before the stream starts.
        var downloads = await service.ListAsync(accountId, identifier, cancellationToken);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        string? sent = null;
        var id = 0;
        var quietSince = time.GetUtcNow();
        try
        {
            while (true)
            {
                var map = JsonSerializer.Serialize(DownloadsApi.ToMap(downloads, context.Request, urls), ApiJsonContext.Default.DictionaryStringDownloadDto);
                var done = downloads.Count > 0 && downloads.All(d => d.Status is DownloadStatuses.Ready or DownloadStatuses.Error);
                if (map != sent || done)
                {
                    await WriteAsync(response, done ? "done" : "downloads", ++id, map, cancellationToken);
                    sent = map;
                    quietSince = time.GetUtcNow();
                }

                if (done)
                {
                    return;
                }

                // Wait for a change anywhere in the store (most are not this video's: those cost one cached read).
                while (seen is { } last && stamps.TryRead(out var stamp) && stamp == last)
                {
                    if (time.GetUtcNow() - quietSince >= KeepAlive)
                    {
                        await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                        await response.Body.FlushAsync(cancellationToken);
                        quietSince = time.GetUtcNow();
                    }

                    await Task.Delay(Tick, time, cancellationToken);
                }

                seen = stamps.TryRead(out var now) ? now : null;
                if (seen is null)
                {
                    await Task.Delay(Tick, time, cancellationToken);
                }

                downloads = await service.ListAsync(accountId, identifier, cancellationToken);
                await Task.Delay(Tick, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string name, int id, string data, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"event: {name}\nid: {id}\ndata: {data}\n\n", Encoding.UTF8, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
