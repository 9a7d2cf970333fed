namespace Downstream.Server.Storage;

/// <summary>
/// Keeps the disk writing a growing file while more of it arrives: every <see cref="Step"/> bytes an fsync starts on
/// a pool thread (never two at once), so the fsync that must come before the file is published finds little left.
/// An upload then costs the network's time, not the network's and then the disk's.
/// </summary>
public sealed class Writeback(string path)
{
    public const long Step = 32L << 20;
    private long _next = Step;
    private Task _flush = Task.CompletedTask;

    /// <summary>The first <paramref name="length"/> bytes are written.</summary>
    public void Progress(long length)
    {
        if (length < _next || !_flush.IsCompleted)
        {
            return;
        }

        _next = length + Step;
        _flush = Task.Run(() =>
        {
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                RandomAccess.FlushToDisk(handle);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Only a head start: the fsync before the commit is the one that counts.
            }
        });
    }

    /// <summary>Waits for a flush in progress, so the final one does not race it.</summary>
    public Task DrainAsync() => _flush;
}
