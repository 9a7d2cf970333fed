using Downstream.Server.Storage;
using Downstream.Server.Videos;

namespace Downstream.Server.Tus;

/// <summary>
/// tus bytes in the local media folder: one file per upload (<c>videos/{uid}/upload.tus</c>) that PATCHes append
/// to, renamed into place as the source when whole, so finishing costs no copy.
/// </summary>
public sealed class LocalTusData(LocalBlobStore blobs) : ITusDataStore
{
    // One per upload being appended to, across its PATCHes: the disk writes chunks while the next ones arrive.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Writeback> _writebacks = new();

    private static string Key(string uid) => $"{VideoKeys.Prefix(uid)}upload.tus";

    public Task<long> StoredAsync(string uid, long recordedOffset, CancellationToken cancellationToken)
    {
        var file = new FileInfo(blobs.PathOf(Key(uid)));
        return Task.FromResult(Math.Min(recordedOffset, file.Exists ? file.Length : 0));
    }

    public async Task<Appended> AppendAsync(string uid, long offset, Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        var path = blobs.PathOf(Key(uid));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);

        // Bytes past the recorded offset were never acknowledged (the request that wrote them failed before it
        // could record them): the client sends them again.
        if (file.Length > offset)
        {
            file.SetLength(offset);
        }
        else if (file.Length < offset)
        {
            throw new InvalidOperationException($"The stored bytes of upload {uid} end at {file.Length}, before offset {offset}.");
        }

        file.Position = offset;
        var writeback = _writebacks.GetOrAdd(uid, _ => new Writeback(path));
        var appended = await BodyCopy.CopyAsync(body, file, maxBytes, written => writeback.Progress(offset + written), cancellationToken);
        if (appended.TooLong)
        {
            file.SetLength(offset);
        }
        else if (appended.Bytes == maxBytes)
        {
            // The last byte: the client may drop its copy once answered, so the whole file is on disk first.
            await writeback.DrainAsync();
            file.Flush(flushToDisk: true);
            _writebacks.TryRemove(uid, out _);
        }

        return appended;
    }

    public Task PublishAsync(string uid, long length, CancellationToken cancellationToken)
    {
        var path = blobs.PathOf(Key(uid));
        if (File.Exists(path))
        {
            blobs.Publish(path, VideoKeys.Source(uid));
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string uid, CancellationToken cancellationToken)
    {
        _writebacks.TryRemove(uid, out _);
        return blobs.DeleteAsync(Key(uid), cancellationToken);
    }
}
