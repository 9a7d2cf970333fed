namespace Downstream.Server.Tus;

/// <summary>What one PATCH appended.</summary>
/// <param name="Bytes">The bytes kept: everything that arrived, up to the cut when the body broke off.</param>
/// <param name="Cut">Why the body ended early (the client went away mid-chunk); null when it arrived whole.</param>
/// <param name="TooLong">The body held more than the upload's remaining length: nothing of it counts.</param>
public sealed record Appended(long Bytes, Exception? Cut, bool TooLong);

/// <summary>
/// The bytes of unfinished tus uploads, where every node that may take the next PATCH reaches them. The offset
/// itself is recorded in <see cref="Storage.ITusUploadStore"/>; callers hold the upload's append lock.
/// </summary>
public interface ITusDataStore
{
    /// <summary>
    /// How many bytes are safely stored, given the offset the database recorded: less than that only when a
    /// crash lost bytes that were not yet on disk, so clients resume from what is really there.
    /// </summary>
    Task<long> StoredAsync(string uid, long recordedOffset, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="body"/> at <paramref name="offset"/>, reading at most <paramref name="maxBytes"/>.
    /// The bytes that arrived are kept even when the body breaks off; when they complete the upload they are
    /// on disk before this returns.
    /// </summary>
    Task<Appended> AppendAsync(string uid, long offset, Stream body, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Makes the whole upload (<paramref name="length"/> bytes) the video's source blob; nothing when done already.</summary>
    Task PublishAsync(string uid, long length, CancellationToken cancellationToken);

    /// <summary>Removes what an unfinished upload stored.</summary>
    Task DeleteAsync(string uid, CancellationToken cancellationToken);
}
