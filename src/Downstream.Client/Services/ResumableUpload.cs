using System.Globalization;
using System.Net;
using System.Text;
using Downstream.Client.Core;
using Downstream.Client.Exceptions;
using Downstream.Client.Models;

namespace Downstream.Client.Services;

/// <summary>
/// A tus 1.0.0 upload of one file: created once, then sent chunk by chunk. A dropped connection, a timeout, a 5xx, 409
/// (offset mismatch) or 423 (another request holds the upload) are followed by HEAD for the server's offset and
/// the upload goes on from there; any other refusal is thrown as the typed exception of its status.
/// </summary>
internal sealed class ResumableUpload(ApiTransport transport, TimeProvider time)
{
    private const string TusVersion = "1.0.0";
    private static readonly TimeSpan ChunkTimeout = TimeSpan.FromMinutes(30);

    public async Task<string> RunAsync(string path, ResumableUploadParams parameters, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        Validate(parameters);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        var length = file.Length;
        var (url, uid, offset) = parameters.ResumeUrl is { } resume && await TryHeadAsync(resume, cancellationToken).ConfigureAwait(false) is { } known
            ? (resume, resume.Segments[^1], known)
            : await CreateAsync(length, parameters, parameters.Name ?? Path.GetFileName(path), cancellationToken).ConfigureAwait(false);
        progress?.Report(offset);

        var failures = 0;
        while (offset < length)
        {
            var count = (int)Math.Min(parameters.ChunkSize, length - offset);
            try
            {
                offset = await PatchAsync(url, file, offset, count, progress, cancellationToken).ConfigureAwait(false);
                failures = 0;
                progress?.Report(offset);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsPassing(ex))
            {
                if (++failures >= parameters.MaxAttempts)
                {
                    throw ex is ApiException ? ex : new ConnectionException($"The upload stopped at byte {offset} of {length}: {ex.Message}", ex);
                }

                var retryAfter = (ex as ResumeException)?.Headers;
                await Task.Delay(RetryPolicy.Delay(failures, retryAfter, time.GetUtcNow(), Random.Shared.NextDouble()), time, cancellationToken).ConfigureAwait(false);
                var previous = offset;
                offset = await TryHeadAsync(url, cancellationToken).ConfigureAwait(false)
                    ?? throw new CloudflareException($"The upload {uid} is gone from the server (expired or deleted); start it again.");
                if (offset > previous)
                {
                    failures = 0;
                }
            }
        }

        return uid;
    }

    private async Task<(Uri Url, string Uid, long Offset)> CreateAsync(long length, ResumableUploadParams parameters, string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, transport.Options.BaseUrl + Paths.Stream(parameters.AccountId));
            transport.Authorize(request);
            request.Headers.TryAddWithoutValidation("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("Upload-Metadata", Metadata(parameters, name));
            if (parameters.Creator is { } creator)
            {
                request.Headers.TryAddWithoutValidation("Upload-Creator", creator);
            }

            return request;
        }, transport.Options.Timeout, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
        var uid = response.Headers.TryGetValues("stream-media-id", out var ids) ? ids.First() : null;
        if (response.Headers.Location is not { } location || uid is null)
        {
            throw new CloudflareException("The server created the upload but named no Location or stream-media-id.");
        }

        var url = location.IsAbsoluteUri ? location : new Uri(new Uri(transport.Options.BaseUrl!), location);
        parameters.UploadCreated?.Invoke(url);
        return (url, uid, 0);
    }

    private async Task<long> PatchAsync(Uri url, FileStream file, long offset, int count, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, url);
            AuthorizeFor(request, url);
            request.Headers.TryAddWithoutValidation("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
            var slice = new ProgressContent(new FileSlice(file, offset, count), progress is null ? null : new Progress<long>(sent => progress.Report(offset + sent)));
            slice.Headers.ContentType = new("application/offset+octet-stream");
            request.Content = slice;
            return request;
        }, ChunkTimeout, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Locked || (int)response.StatusCode >= 500)
        {
            throw new ResumeException(response.StatusCode, response.Headers);
        }

        await EnsureAsync(response, HttpStatusCode.NoContent, cancellationToken).ConfigureAwait(false);
        return ReadOffset(response) ?? throw new CloudflareException("The server answered a chunk without Upload-Offset.");
    }

    /// <summary>The server's offset for the upload; null when the upload no longer exists or can no longer take bytes.</summary>
    private async Task<long?> TryHeadAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Head, url);
            AuthorizeFor(request, url);
            return request;
        }, transport.Options.Timeout, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.Forbidden)
        {
            return null;
        }

        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false);
        return ReadOffset(response);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = make();
        request.Headers.TryAddWithoutValidation("Tus-Resumable", TusVersion);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        return await transport.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
    }

    /// <summary>The API credential goes only to the API's own host (a direct_user URL needs none).</summary>
    private void AuthorizeFor(HttpRequestMessage request, Uri url)
    {
        if (Uri.TryCreate(transport.Options.BaseUrl, UriKind.Absolute, out var api) && Uri.Compare(api, url, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            transport.Authorize(request);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode == expected || (expected == HttpStatusCode.OK && response.StatusCode == HttpStatusCode.NoContent))
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw ApiExceptionFactory.FromBody(response.StatusCode, body);
    }

    private static long? ReadOffset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Upload-Offset", out var values) && long.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : null;

    private static bool IsPassing(Exception ex) =>
        ex is HttpRequestException or IOException or OperationCanceledException or ResumeException;

    private static void Validate(ResumableUploadParams parameters)
    {
        if (parameters.ChunkSize is < ResumableUploadParams.MinChunkSize or > ResumableUploadParams.MaxChunkSize || parameters.ChunkSize % (256 * 1024) != 0)
        {
            throw new ArgumentException("ChunkSize must be 5 MiB to 200 MiB, a multiple of 256 KiB (Cloudflare's rule).", nameof(parameters));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.MaxAttempts, 1, nameof(parameters));
    }

    /// <summary><c>key base64(value)</c> pairs joined by commas, as tus wants them; a flag key has no value.</summary>
    internal static string Metadata(ResumableUploadParams parameters, string name)
    {
        var pairs = new List<string> { Pair("name", name) };
        if (parameters.MaxDurationSeconds is { } max)
        {
            pairs.Add(Pair("maxdurationseconds", max.ToString(CultureInfo.InvariantCulture)));
        }

        if (parameters.RequireSignedUrls == true)
        {
            pairs.Add("requiresignedurls");
        }

        if (parameters.AllowedOrigins is { Count: > 0 } origins)
        {
            pairs.Add(Pair("allowedorigins", string.Join(',', origins)));
        }

        foreach (var (key, value) in parameters.Meta ?? new Dictionary<string, string>())
        {
            if (key.Length == 0 || key.Contains(' ', StringComparison.Ordinal) || key.Contains(',', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metadata key '{key}' is empty or has a space or comma.", nameof(parameters));
            }

            pairs.Add(Pair(key, value));
        }

        return string.Join(',', pairs);
    }

    private static string Pair(string key, string value) => $"{key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}";

    /// <summary>A passing refusal: 409, 423 or 5xx. The upload goes on after HEAD.</summary>
    private sealed class ResumeException(HttpStatusCode status, System.Net.Http.Headers.HttpResponseHeaders headers)
        : Exception($"The server answered {(int)status} to a chunk.")
    {
        public System.Net.Http.Headers.HttpResponseHeaders Headers => headers;
    }

    /// <summary><paramref name="count"/> bytes of the file from <paramref name="offset"/>, read with positional reads.</summary>
    private sealed class FileSlice(FileStream file, long offset, long count) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => count;

        public override long Position { get => _read; set => _read = value; }

        public override int Read(byte[] buffer, int index, int size) =>
            RandomAccess.Read(file.SafeFileHandle, buffer.AsSpan(index, (int)Math.Min(size, count - _read)), offset + _read) is var n && (_read += n) >= 0 ? n : 0;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer[..(int)Math.Min(buffer.Length, count - _read)], offset + _read, cancellationToken).ConfigureAwait(false);
            _read += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long to, SeekOrigin origin) => _read = origin switch
        {
            SeekOrigin.Begin => to,
            SeekOrigin.Current => _read + to,
            _ => count + to,
        };

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int index, int size) => throw new NotSupportedException();
    }
}
