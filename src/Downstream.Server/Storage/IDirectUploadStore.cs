using Downstream.Server.Videos;

namespace Downstream.Server.Storage;

/// <summary>What became of an attempt to take a direct upload URL for one upload.</summary>
public enum DirectUploadClaim
{
    /// <summary>This request may upload the file now.</summary>
    Claimed,

    /// <summary>No such URL (unknown video, wrong secret, or not a direct upload).</summary>
    Unknown,

    /// <summary>Its time ran out before a file arrived.</summary>
    Expired,

    /// <summary>A file was uploaded with it already.</summary>
    Used,

    /// <summary>Another upload to it is in progress.</summary>
    Busy,
}

/// <summary>
/// Direct creator uploads: a <c>pendingupload</c> video and the hash of a one-time secret that lets one
/// request without API credentials upload its file before a deadline.
/// </summary>
public interface IDirectUploadStore
{
    /// <summary>Stores the video and its upload capability together.</summary>
    Task CreateAsync(Video video, byte[] secretHash, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Takes the URL for one upload; a claim older than <paramref name="staleAfter"/> (a crashed node's) may be taken over.</summary>
    Task<DirectUploadClaim> ClaimAsync(string uid, byte[] secretHash, DateTimeOffset now, TimeSpan staleAfter, CancellationToken cancellationToken);

    /// <summary>Gives a claimed URL back after an upload that did not complete, so it can be tried again.</summary>
    Task ReleaseAsync(string uid, CancellationToken cancellationToken);

    /// <summary>Marks the URL used: it refuses from now on.</summary>
    Task FinishAsync(string uid, CancellationToken cancellationToken);

    /// <summary>Marks the open URLs whose time ran out as expired; their video uids.</summary>
    Task<IReadOnlyList<string>> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
