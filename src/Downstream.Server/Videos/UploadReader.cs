using Downstream.Server.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Downstream.Server.Videos;

/// <summary>
/// Streams the <c>file</c> field of a multipart upload straight to disk, counting bytes against
/// the upload limit; nothing of the file is held in memory.
/// </summary>
public static class UploadReader
{
    private const int MultipartOverhead = 1024 * 1024;

    public sealed record UploadedFile(string? FileName, long Length);

    public static async Task<UploadedFile> CopyFileFieldAsync(
        HttpRequest request, string target, long maxBytes, Action<long>? written, CancellationToken cancellationToken)
    {
        if (request.Headers.ContainsKey("Tus-Resumable"))
        {
            throw ApiErrors.BadRequest("Resumable (tus) uploads are not supported yet; send the file as multipart/form-data in the field 'file'.");
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary) is not { Length: > 0 and <= 200 } boundary)
        {
            throw ApiErrors.BadRequest("Upload the video as multipart/form-data with the file in the field 'file'.");
        }

        if (request.ContentLength > maxBytes + MultipartOverhead)
        {
            throw ApiErrors.TooLarge($"The upload is larger than the limit of {maxBytes} bytes.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + MultipartOverhead;
        }

        return await MultipartFileReader.CopyFileFieldAsync(request.BodyReader, boundary.ToString(), target, maxBytes, written, cancellationToken)
            ?? throw ApiErrors.BadRequest("The multipart body has no field 'file'.");
    }

    /// <summary>Copies a stream to a file, failing with 413 past <paramref name="maxBytes"/>.</summary>
    public static async Task<long> CopyLimitedAsync(Stream source, string target, long maxBytes, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw ApiErrors.TooLarge($"The file is larger than the limit of {maxBytes} bytes.");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
