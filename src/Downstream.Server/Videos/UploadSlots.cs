using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Videos;

/// <summary>
/// Bounds the uploads this node receives at once (<see cref="DownstreamOptions.MaxConcurrentUploads"/>): each
/// holds a file handle, a staging file and later an ffprobe run. One more is told to come back (429).
/// </summary>
public sealed class UploadSlots(IOptions<DownstreamOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentUploads);

    /// <summary>A slot to dispose when the upload is done; 429 with <c>Retry-After</c> when none is free.</summary>
    public IDisposable Take() => _slots.Wait(0)
        ? new Slot(_slots)
        : throw ApiErrors.Busy("Too many uploads are in progress on this server; try again shortly.", retryAfterSeconds: 2);

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
