using Downstream.Server.Storage;
using Downstream.Server.Videos;

namespace Downstream.Server.Tus;

/// <summary>
/// The expiration extension's sweep, run by the janitor: an unfinished upload whose time ran out (and that no
/// request is appending to) loses its bytes, and its video ends <c>error</c>; its URL answers 410 from then on.
/// </summary>
public sealed class TusExpiry(ITusUploadStore uploads, ITusDataStore data, IVideoStore videos, TimeProvider time, ILogger<TusExpiry> logger)
{
    public const string ExpiredText = "The upload expired before its last byte arrived.";

    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var expired = await uploads.ExpireAsync(time.GetUtcNow(), cancellationToken);
        foreach (var uid in expired)
        {
            await data.DeleteAsync(uid, cancellationToken);
            if (await videos.GetAsync(uid, cancellationToken) is { State: VideoStates.PendingUpload } video)
            {
                await videos.FinishIngestAsync(VideoIngest.Failed(video, "", ExpiredText, time.GetUtcNow()), VideoStates.PendingUpload, cancellationToken);
            }

            logger.LogInformation("tus upload {Uid} expired; its bytes are removed", uid);
        }

        return expired.Count;
    }
}
