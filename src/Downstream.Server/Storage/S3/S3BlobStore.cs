using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;

namespace Downstream.Server.Storage.S3;

/// <summary>
/// Blobs as objects in one S3-compatible bucket (path-style). Writes are staged in a local scratch folder
/// (ffprobe and ffmpeg read and write files) and published by one PUT or multipart upload, which S3 makes
/// visible all at once. Reads for ffmpeg copy the object to scratch; delivery reads byte ranges.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private const int PartsInFlight = 4;
    private const int MaxReadUrls = 10_000;
    private static readonly TimeSpan ReadUrlLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan ReadUrlReuse = TimeSpan.FromMinutes(45);

    // Ranged reads for delivery go as plain GETs to presigned URLs, each kept for a while: the SDK's
    // request pipeline costs several times the CPU of the GET itself (docs/performance.md).
    private readonly HttpClient _reads = new(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly ConcurrentDictionary<string, (string Url, DateTime Until)> _readUrls = new(StringComparer.Ordinal);
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _scratch;

    /// <param name="partSize">Multipart part size (16 MiB; S3 allows 5 MiB to 5 GiB).</param>
    /// <param name="multipartThreshold">Files from this size (64 MiB) go up in parts, the rest in one PUT.</param>
    public S3BlobStore(IAmazonS3 s3, string bucket, string scratchDir, long partSize = 16L * 1024 * 1024, long multipartThreshold = 64L * 1024 * 1024)
    {
        _s3 = s3;
        _bucket = bucket;
        _scratch = Path.GetFullPath(scratchDir);
        PartSize = partSize;
        MultipartThreshold = Math.Max(multipartThreshold, partSize);
        Directory.CreateDirectory(_scratch);
    }

    public long PartSize { get; }

    public long MultipartThreshold { get; }

    public string Bucket => _bucket;

    public IAmazonS3 Client => _s3;

    /// <summary>A client for an S3-compatible endpoint: path-style, the given region, checksums only where required.</summary>
    public static AmazonS3Client CreateClient(string endpoint, string region)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = region,
            // Flexible checksums (trailing CRC headers) are newer than many S3-compatible servers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        return new AmazonS3Client(config);
    }

    /// <summary>Creates the bucket when it does not exist yet.</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    public Task<IBlobWrite> BeginWriteAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<IBlobWrite>(new S3Write(this, key, ScratchFile(Path.GetFileName(key) + ".partial")));

    public async Task<BlobInfo?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken);
            return new BlobInfo(null, head.ContentLength, head.LastModified ?? DateTimeOffset.UnixEpoch.UtcDateTime);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<ILocalBlob?> OpenLocalAsync(string key, CancellationToken cancellationToken)
    {
        var path = ScratchFile("read");
        try
        {
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await response.ResponseStream.CopyToAsync(file, 1 << 20, cancellationToken);
            }

            return new ScratchCopy(path);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            File.Delete(path);
            return null;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public async Task<Stream> OpenRangeAsync(string key, long offset, long count, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, await ReadUrlAsync(key, fresh: attempt > 0));
            request.Headers.Range = new RangeHeaderValue(offset, offset + count - 1);
            var response = await _reads.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.PartialContent || (response.StatusCode == HttpStatusCode.OK && offset == 0))
            {
                return new ResponseStream(await response.Content.ReadAsStreamAsync(cancellationToken), response);
            }

            response.Dispose();
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    throw new FileNotFoundException($"No object {key}", key);
                case HttpStatusCode.Forbidden when attempt == 0:
                    // The kept URL has expired early (a clock step, rotated keys): sign a new one once.
                    continue;
                default:
                    throw new IOException($"The store answered {(int)response.StatusCode} to a ranged read of {key}.");
            }
        }
    }

    private async Task<string> ReadUrlAsync(string key, bool fresh)
    {
        var now = DateTime.UtcNow;
        if (!fresh && _readUrls.TryGetValue(key, out var kept) && kept.Until > now)
        {
            return kept.Url;
        }

        var url = await PresignAsync(key, ReadUrlLifetime, null, now);
        if (_readUrls.Count >= MaxReadUrls)
        {
            _readUrls.Clear();
        }

        _readUrls[key] = (url, now + ReadUrlReuse);
        return url;
    }

    /// <summary>For tests: makes the kept read URL of <paramref name="key"/> one the store refuses.</summary>
    internal void SpoilReadUrl(string key) => _readUrls[key] = (_readUrls[key].Url.Replace("X-Amz-Signature=", "X-Amz-Signature=0", StringComparison.Ordinal), DateTime.MaxValue);

    /// <summary>A short-lived GET URL for <c>DOWNSTREAM_S3_DELIVERY=redirect</c>.</summary>
    public Task<string> PresignAsync(string key, TimeSpan lifetime, string? contentDisposition, DateTime now) =>
        _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = now + lifetime,
            Protocol = _s3.Config.ServiceURL?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == false ? Protocol.HTTP : Protocol.HTTPS,
            ResponseHeaderOverrides = contentDisposition is null ? new ResponseHeaderOverrides() : new ResponseHeaderOverrides { ContentDisposition = contentDisposition },
        });

    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);

    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await _s3.ListObjectsV2Async(request, cancellationToken);
            if (page.S3Objects is { Count: > 0 } objects)
            {
                await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = _bucket,
                    Objects = [.. objects.Select(o => new KeyVersion { Key = o.Key })],
                }, cancellationToken);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }

    public async Task<IReadOnlyList<string>> QuietVideosAsync(TimeSpan quietFor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var newest = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = "videos/" };
        ListObjectsV2Response page;
        do
        {
            page = await _s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                var parts = item.Key.Split('/');
                if (parts.Length >= 3 && Api.Ids.IsValid(parts[1]))
                {
                    var modified = item.LastModified is { } time ? new DateTimeOffset(time, TimeSpan.Zero) : now;
                    newest[parts[1]] = newest.TryGetValue(parts[1], out var seen) && seen > modified ? seen : modified;
                }
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return [.. newest.Where(entry => now - entry.Value > quietFor).Select(entry => entry.Key)];
    }

    /// <summary>Aborts multipart uploads a crashed process left open, so their parts stop taking space.</summary>
    public async Task<int> AbortStaleUploadsAsync(TimeSpan olderThan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var aborted = 0;
        var request = new ListMultipartUploadsRequest { BucketName = _bucket };
        ListMultipartUploadsResponse page;
        do
        {
            page = await _s3.ListMultipartUploadsAsync(request, cancellationToken);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (upload.Initiated is { } initiated && now - new DateTimeOffset(initiated, TimeSpan.Zero) > olderThan)
                {
                    await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = upload.Key, UploadId = upload.UploadId }, cancellationToken);
                    aborted++;
                }
            }

            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
        while (page.IsTruncated == true);

        return aborted;
    }

    /// <summary>Removes scratch files that a crashed process left behind.</summary>
    public int DeleteStaleScratchFiles(TimeSpan olderThan, DateTimeOffset now)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_scratch))
        {
            if (now - File.GetLastWriteTimeUtc(file) > olderThan)
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }

    private string ScratchFile(string kind) => Path.Combine(_scratch, $"{Guid.NewGuid():N}.{kind}");

    private async Task<BlobInfo> UploadAsync(string key, string path, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length < MultipartThreshold)
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, FilePath = path }, cancellationToken);
        }
        else
        {
            // Parts are read from the file as they are sent: memory stays at a few parts, whatever the size.
            using var transfer = new TransferUtility(_s3, new TransferUtilityConfig { ConcurrentServiceRequests = PartsInFlight });
            await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = _bucket, Key = key, FilePath = path, PartSize = PartSize }, cancellationToken);
        }

        return new BlobInfo(null, length, DateTimeOffset.UtcNow);
    }

    public void Dispose()
    {
        _reads.Dispose();
        _s3.Dispose();
    }

    /// <summary>
    /// A staging file published at commit. When the writer reports progress (<see cref="Written"/>) and the
    /// file reaches the multipart threshold, whole parts go up while the rest is still arriving, read from
    /// the file (never buffered); S3 shows the object only when the upload is completed at commit, and an
    /// abandoned write aborts its upload.
    /// </summary>
    private sealed class S3Write(S3BlobStore store, string key, string staging) : IBlobWrite
    {
        private readonly List<Task<PartETag>> _parts = [];
        private readonly SemaphoreSlim _inFlight = new(PartsInFlight);
        private readonly CancellationTokenSource _abort = new();
        private Task<string>? _uploadId;
        private long _sent;
        private bool _complete;
        private bool _committed;

        public string StagingPath => staging;

        public void Written(long length, bool complete)
        {
            if (_complete)
            {
                return;
            }

            if (_uploadId is null && length < store.MultipartThreshold)
            {
                // Too small for parts so far; a file that ends here goes up in one PUT at commit.
                return;
            }

            _uploadId ??= StartAsync();
            while (length - _sent >= store.PartSize || (complete && length > _sent))
            {
                var size = Math.Min(store.PartSize, length - _sent);
                _parts.Add(SendPartAsync(_parts.Count + 1, _sent, size));
                _sent += size;
            }

            _complete = complete;
        }

        public async Task<BlobInfo> CommitAsync(CancellationToken cancellationToken)
        {
            var length = new FileInfo(staging).Length;
            if (_uploadId is null)
            {
                var blob = await store.UploadAsync(key, staging, cancellationToken);
                _committed = true;
                File.Delete(staging);
                return blob;
            }

            Written(length, complete: true);
            if (length != _sent)
            {
                throw new InvalidOperationException($"The staging file of {key} changed after it was reported complete ({_sent} bytes sent, {length} now).");
            }

            var parts = await Task.WhenAll(_parts).WaitAsync(cancellationToken);
            await store._s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = store._bucket,
                Key = key,
                UploadId = await _uploadId,
                PartETags = [.. parts],
            }, cancellationToken);
            _committed = true;
            File.Delete(staging);
            return new BlobInfo(null, length, DateTimeOffset.UtcNow);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                await _abort.CancelAsync();
                await AbortAsync();
                File.Delete(staging);
            }

            _abort.Dispose();
            _inFlight.Dispose();
        }

        /// <summary>Not cancelled by an abandoned write: once the upload exists, its id is needed to abort it.</summary>
        private async Task<string> StartAsync()
        {
            var started = await store._s3.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = store._bucket, Key = key }, CancellationToken.None);
            return started.UploadId;
        }

        private async Task<PartETag> SendPartAsync(int number, long offset, long size)
        {
            var uploadId = await _uploadId!;
            await _inFlight.WaitAsync(_abort.Token);
            try
            {
                var sent = await store._s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = store._bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    FilePath = staging,
                    FilePosition = offset,
                    PartSize = size,
                }, _abort.Token);
                return new PartETag(number, sent.ETag);
            }
            finally
            {
                _inFlight.Release();
            }
        }

        /// <summary>Stops the parts in flight and aborts the upload, so the bucket keeps no stray parts.</summary>
        private async Task AbortAsync()
        {
            if (_uploadId is null)
            {
                return;
            }

            try
            {
                await Task.WhenAll(_parts);
            }
            catch
            {
                // Cancelled or failed parts: the abort below removes whatever did arrive.
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await store._s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = store._bucket,
                    Key = key,
                    UploadId = await _uploadId,
                }, timeout.Token);
            }
            catch
            {
                // Best effort: the upload never started, or the store is unreachable. A bucket lifecycle rule
                // for incomplete multipart uploads removes what is left (docs/deploy.md).
            }
        }
    }

    private sealed class ScratchCopy(string path) : ILocalBlob
    {
        public string Path => path;

        public ValueTask DisposeAsync()
        {
            File.Delete(path);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A response's body; disposing it ends the response.</summary>
    private sealed class ResponseStream(Stream body, IDisposable response) : Stream
    {
        private readonly Stream _inner = body;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
