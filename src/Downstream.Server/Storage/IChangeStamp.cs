namespace Downstream.Server.Storage;

/// <summary>
/// A value that changes whenever any process commits a change to the metadata store. Caches of hot
/// reads (tokens, download maps, media lookups) are valid while the stamp they were filled under holds,
/// so a change anywhere, a token revoked by the CLI included, is seen by the next request.
/// </summary>
public interface IChangeStamp
{
    /// <summary>The current stamp, or false when it cannot be read now (then nothing may be served from cache).</summary>
    bool TryRead(out ulong stamp);
}
