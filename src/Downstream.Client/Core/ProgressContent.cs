using System.Net;

namespace Downstream.Client.Core;

/// <summary>Streams a source as the request body, reporting the bytes sent so far.</summary>
internal sealed class ProgressContent(Stream source, IProgress<long>? progress) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long sent = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            progress?.Report(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        if (source.CanSeek)
        {
            length = source.Length - source.Position;
            return true;
        }

        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            source.Dispose();
        }

        base.Dispose(disposing);
    }
}
