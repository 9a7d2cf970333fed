using Downstream.Server.Storage;

namespace Downstream.Server.Delivery;

/// <summary>
/// A seekable view of a remote blob for ASP.NET Core's file results, which seek to the range's start,
/// set <c>Content-Length</c> to the range's length and then read exactly that much. The first read opens
/// one ranged read of exactly those bytes, so a 64 KiB range costs one 64 KiB request to the store and
/// the store's connection stays reusable.
/// </summary>
public sealed class BlobRangeStream(IBlobStore blobs, string key, long length, HttpResponse response) : Stream
{
    private Stream? _body;
    private long _position;
    private long _bodyEnd;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0)
        {
            return 0;
        }

        if (_body is null || _position >= _bodyEnd)
        {
            if (_body is not null)
            {
                await _body.DisposeAsync();
            }

            var wanted = _body is null && response.ContentLength is > 0 and long expected ? expected : length - _position;
            var count = Math.Min(wanted, length - _position);
            _body = await blobs.OpenRangeAsync(key, _position, count, cancellationToken);
            _bodyEnd = _position + count;
        }

        // Fill the caller's buffer: the store's socket gives a few KiB per read, and each read handed back
        // is a write (and a send) to the client.
        var size = (int)Math.Min(buffer.Length, _bodyEnd - _position);
        var filled = 0;
        while (filled < size)
        {
            var read = await _body.ReadAsync(buffer[filled..size], cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The store ended {key} at {_position + filled} of {length} bytes.");
            }

            filled += read;
        }

        _position += filled;
        return filled;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        if (target != _position)
        {
            _body?.Dispose();
            _body = null;
            _position = target;
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_body is not null)
        {
            await _body.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
