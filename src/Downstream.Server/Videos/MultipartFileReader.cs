using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Downstream.Server.Api;
using Microsoft.Net.Http.Headers;

namespace Downstream.Server.Videos;

/// <summary>
/// Reads a multipart/form-data body straight from the request's <see cref="PipeReader"/> and writes the
/// <c>file</c> part from the pipe's own memory to disk: no intermediate buffers, and the boundary is
/// found with vectorized search. Other parts are read and dropped (at most 1 MiB each).
/// </summary>
public static class MultipartFileReader
{
    private const int MaxHeaderBytes = 16 * 1024;
    private const int MaxPreambleBytes = 16 * 1024;
    private const long MaxOtherPartBytes = 1024 * 1024;
    private const int BatchBytes = 256 * 1024;

    /// <param name="written">Told the length of the file after each write, for stores that send while receiving.</param>
    public static async Task<UploadReader.UploadedFile?> CopyFileFieldAsync(
        PipeReader reader, string boundary, string target, long maxBytes, Action<long>? written, CancellationToken cancellationToken)
    {
        var dashBoundary = Encoding.ASCII.GetBytes("--" + boundary);
        var delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        await SkipPastAsync(reader, dashBoundary, MaxPreambleBytes, "the first boundary", cancellationToken);
        while (true)
        {
            var after = await ReadExactlyAsync(reader, 2, cancellationToken);
            if (after == "--")
            {
                return null;
            }

            if (after != "\r\n")
            {
                throw Malformed("a boundary is not followed by a line break");
            }

            var headers = await ReadHeadersAsync(reader, cancellationToken);
            var (isFile, fileName) = Disposition(headers);
            if (isFile)
            {
                // Readable by others: an S3 store sends finished parts of the file while the rest arrives.
                using var file = File.OpenHandle(target, FileMode.Create, FileAccess.Write, FileShare.Read);
                var length = await CopyUntilAsync(reader, delimiter, file, maxBytes, written, cancellationToken);
                return new UploadReader.UploadedFile(string.IsNullOrWhiteSpace(fileName) ? null : Path.GetFileName(fileName), length);
            }

            await CopyUntilAsync(reader, delimiter, null, MaxOtherPartBytes, null, cancellationToken);
        }
    }

    /// <summary>Copies part data up to the delimiter; the bytes that could begin a delimiter wait for more data.</summary>
    private static async Task<long> CopyUntilAsync(
        PipeReader reader, byte[] delimiter, Microsoft.Win32.SafeHandles.SafeFileHandle? file, long maxBytes, Action<long>? written,
        CancellationToken cancellationToken)
    {
        long total = 0;
        var segments = new List<ReadOnlyMemory<byte>>();
        while (true)
        {
            // Wait for a good amount: each round is a scan and a write system call.
            var result = await reader.ReadAtLeastAsync(BatchBytes, cancellationToken);
            var buffer = result.Buffer;
            var found = Find(buffer, delimiter);
            var data = found is { } end ? buffer.Slice(0, end) : buffer.Slice(0, Math.Max(0, buffer.Length - (delimiter.Length - 1)));
            var offset = total;
            total += data.Length;
            if (total > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw file is null
                    ? Malformed("a form field other than 'file' is larger than 1 MiB")
                    : ApiErrors.TooLarge($"The file is larger than the limit of {maxBytes} bytes.");
            }

            if (file is not null && !data.IsEmpty)
            {
                // The pipe holds the data in 4 KiB blocks: one vectored write (pwritev) takes them all.
                segments.Clear();
                foreach (var segment in data)
                {
                    segments.Add(segment);
                }

                RandomAccess.Write(file, segments, offset);
                written?.Invoke(total);
            }

            if (found is not null)
            {
                reader.AdvanceTo(buffer.GetPosition(delimiter.Length, data.End));
                return total;
            }

            if (result.IsCompleted)
            {
                throw Malformed("the body ended before its closing boundary");
            }

            reader.AdvanceTo(data.End, buffer.End);
        }
    }

    private static SequencePosition? Find(in ReadOnlySequence<byte> buffer, byte[] delimiter)
    {
        if (buffer.IsSingleSegment)
        {
            var index = buffer.FirstSpan.IndexOf(delimiter);
            return index < 0 ? null : buffer.GetPosition(index);
        }

        var sequence = new SequenceReader<byte>(buffer);
        return sequence.TryReadTo(out ReadOnlySequence<byte> before, delimiter, advancePastDelimiter: false) ? before.End : null;
    }

    private static async Task SkipPastAsync(PipeReader reader, byte[] marker, int limit, string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (Find(buffer, marker) is { } at)
            {
                reader.AdvanceTo(buffer.GetPosition(marker.Length, at));
                return;
            }

            if (result.IsCompleted || buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw Malformed($"{what} was not found");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static async Task<string> ReadExactlyAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        var result = await reader.ReadAtLeastAsync(count, cancellationToken);
        if (result.Buffer.Length < count)
        {
            reader.AdvanceTo(result.Buffer.End);
            throw Malformed("the body ended before its closing boundary");
        }

        var text = Encoding.ASCII.GetString(result.Buffer.Slice(0, count));
        reader.AdvanceTo(result.Buffer.GetPosition(count));
        return text;
    }

    private static async Task<string> ReadHeadersAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var end = "\r\n\r\n"u8.ToArray();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (Find(buffer, end) is { } at)
            {
                var headers = Encoding.UTF8.GetString(buffer.Slice(0, at));
                reader.AdvanceTo(buffer.GetPosition(end.Length, at));
                return headers;
            }

            if (result.IsCompleted || buffer.Length > MaxHeaderBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw Malformed("a part's headers are cut off or longer than 16 KiB");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static (bool IsFile, string? FileName) Disposition(string headers)
    {
        foreach (var line in headers.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Malformed($"a part header has no name: '{ApiErrors.Shorten(line)}'");
            }

            if (!line[..colon].Trim().Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!ContentDispositionHeaderValue.TryParse(line[(colon + 1)..].Trim(), out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                return (false, null);
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).ToString();
            return (name == "file", fileName);
        }

        return (false, null);
    }

    private static ApiException Malformed(string detail) => ApiErrors.BadRequest($"The multipart body is malformed: {detail}.");
}
