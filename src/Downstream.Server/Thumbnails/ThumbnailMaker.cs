using System.Globalization;
using Downstream.Server.Media;
using Downstream.Server.Storage;
using Downstream.Server.Videos;

namespace Downstream.Server.Thumbnails;

/// <summary>
/// Makes a video's thumbnail with ffmpeg from its stored source, at most a few at once per node (they are
/// requested by pages full of them), and keeps it in the <see cref="ThumbnailCache"/>.
/// </summary>
public sealed class ThumbnailMaker(IBlobStore blobs, FfmpegRunner ffmpeg, ThumbnailCache cache, ILogger<ThumbnailMaker> logger) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(2, Environment.ProcessorCount));

    public void Dispose() => _slots.Dispose();

    /// <summary>The JPEG's path on this node, or null when the source has no frame there.</summary>
    public Task<string?> GetAsync(Video video, double second, ThumbnailRequest request, CancellationToken cancellationToken)
    {
        // The uid names the source for good; the rest names the picture.
        var key = string.Create(CultureInfo.InvariantCulture, $"{video.Uid}/{second:0.###}/{request.Width}x{request.Height}/{request.Fit}");
        return cache.GetOrMakeAsync(key, async (output, ct) =>
        {
            await _slots.WaitAsync(ct);
            try
            {
                await using var source = await blobs.OpenLocalAsync(VideoKeys.Source(video.Uid), ct);
                if (source is null)
                {
                    return false;
                }

                var log = output + ".log";
                try
                {
                    var arguments = ThumbnailArguments.For(source.Path, video.Media?.FormatName, second, request, output);
                    var exit = await ffmpeg.RunAsync(arguments, log, _ => Task.CompletedTask, TimeSpan.FromMinutes(1), ct);
                    if (!exit.Succeeded)
                    {
                        logger.LogWarning("Thumbnail of {VideoUid} at {Second}s failed (exit {ExitCode}): {Error}", video.Uid, second, exit.ExitCode, exit.ErrorTail);
                    }

                    return exit.Succeeded;
                }
                finally
                {
                    File.Delete(log);
                }
            }
            finally
            {
                _slots.Release();
            }
        }, cancellationToken);
    }
}
