using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Downstream.Server.Tus;

/// <summary>Copies a PATCH body into a file, keeping what arrived when the body breaks off.</summary>
internal static class BodyCopy
{
    private const int BufferSize = 1 << 20;

    /// <summary>Writes at most <paramref name="maxBytes"/> of <paramref name="body"/> to <paramref name="file"/>; <paramref name="written"/> hears each step.</summary>
    public static async Task<Appended> CopyAsync(Stream body, Stream file, long maxBytes, Action<long>? written, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken);
                }
                catch (Exception ex) when (IsCut(ex))
                {
                    return new Appended(total, ex, TooLong: false);
                }

                if (read == 0)
                {
                    return new Appended(total, null, TooLong: false);
                }

                if (total + read > maxBytes)
                {
                    return new Appended(total, null, TooLong: true);
                }

                // The file is written whatever the request does next: these bytes arrived.
                await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                total += read;
                written?.Invoke(total);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsCut(Exception ex) =>
        ex is OperationCanceledException or IOException or ConnectionResetException or BadHttpRequestException;
}
