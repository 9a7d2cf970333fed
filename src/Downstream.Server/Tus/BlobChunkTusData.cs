using Downstream.Server.Storage;
using Downstream.Server.Videos;

namespace Downstream.Server.Tus;

/// <summary>
/// tus bytes in a shared blob store (S3): each PATCH stores what it received as one chunk blob named by its start
/// offset (<c>videos/{uid}/tus/{offset}</c>), so the next PATCH may land on any node. Publishing joins the chain
/// of chunks from offset 0 into the source; a chunk left by a request that never recorded it is never on the chain.
/// </summary>
public sealed class BlobChunkTusData(IBlobStore blobs) : ITusDataStore
{
    private static string Prefix(string uid) => $"{VideoKeys.Prefix(uid)}tus/";

    private static string ChunkKey(string uid, long offset) => $"{Prefix(uid)}{offset:D15}";

    public Task<long> StoredAsync(string uid, long recordedOffset, CancellationToken cancellationToken) =>
        Task.FromResult(recordedOffset);

    public async Task<Appended> AppendAsync(string uid, long offset, Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        await using var chunk = await blobs.BeginWriteAsync(ChunkKey(uid, offset), CancellationToken.None);
        Appended appended;
        await using (var file = new FileStream(chunk.StagingPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous))
        {
            appended = await BodyCopy.CopyAsync(body, file, maxBytes, length => chunk.Written(length, complete: false), cancellationToken);
        }

        if (appended.Bytes > 0 && !appended.TooLong)
        {
            chunk.Written(appended.Bytes, complete: true);
            await chunk.CommitAsync(CancellationToken.None);
        }

        return appended;
    }

    public async Task PublishAsync(string uid, long length, CancellationToken cancellationToken)
    {
        if (await blobs.GetAsync(VideoKeys.Source(uid), cancellationToken) is null)
        {
            await using var source = await blobs.BeginWriteAsync(VideoKeys.Source(uid), cancellationToken);
            await using (var file = new FileStream(source.StagingPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous))
            {
                long offset = 0;
                while (offset < length)
                {
                    var chunk = await blobs.GetAsync(ChunkKey(uid, offset), cancellationToken)
                        ?? throw new InvalidOperationException($"Upload {uid} has no chunk at offset {offset}.");
                    var count = Math.Min(chunk.Length, length - offset);
                    await using (var part = await blobs.OpenRangeAsync(ChunkKey(uid, offset), 0, count, cancellationToken))
                    {
                        await part.CopyToAsync(file, cancellationToken);
                    }

                    offset += count;
                    source.Written(offset, complete: offset == length);
                }
            }

            await source.CommitAsync(cancellationToken);
        }

        await blobs.DeletePrefixAsync(Prefix(uid), cancellationToken);
    }

    public Task DeleteAsync(string uid, CancellationToken cancellationToken) => blobs.DeletePrefixAsync(Prefix(uid), cancellationToken);
}
