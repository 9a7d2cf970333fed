using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Downstream.Server.Tests.Support;

/// <summary>
/// What a server stored, read the way its backend keeps it: files below <c>{data}/media</c>, or objects in its
/// bucket. Staging files are local on both (the media folder, or <c>{data}/scratch</c> with S3).
/// </summary>
public sealed class StoredMedia(string dataDir, IReadOnlyDictionary<string, string> settings)
{
    private string? Bucket => settings.TryGetValue("DOWNSTREAM_S3_BUCKET", out var bucket) && bucket.Length > 0 ? bucket : null;

    private string Root => Path.Combine(dataDir, "media");

    /// <summary>Keys (<c>videos/{uid}/...</c>) below a prefix, staging files left out.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string prefix = "videos/")
    {
        if (Bucket is { } bucket)
        {
            using var s3 = Client();
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
            return [.. (page.S3Objects ?? []).Select(o => o.Key)];
        }

        var folder = Path.Combine(Root, prefix);
        var search = Directory.Exists(folder) ? folder : Path.GetDirectoryName(folder)!;
        return Directory.Exists(search)
            ? [.. Directory.EnumerateFiles(search, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".partial", StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))]
            : [];
    }

    public async Task<bool> ExistsAsync(string key) => (await KeysAsync(key)).Contains(key);

    public async Task<byte[]?> ReadAsync(string key)
    {
        if (Bucket is { } bucket)
        {
            using var s3 = Client();
            try
            {
                using var response = await s3.GetObjectAsync(bucket, key);
                using var copy = new MemoryStream();
                await response.ResponseStream.CopyToAsync(copy);
                return copy.ToArray();
            }
            catch (Amazon.S3.AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }
        }

        var path = Path.Combine(Root, key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path) : null;
    }

    /// <summary>Removes a blob behind the server's back (a lost object, or to show what serves a request).</summary>
    public async Task DeleteAsync(string key)
    {
        if (Bucket is { } bucket)
        {
            using var s3 = Client();
            await s3.DeleteObjectAsync(bucket, key);
        }
        else
        {
            File.Delete(Path.Combine(Root, key));
        }
    }

    /// <summary>The node's copies of delivered downloads (media in S3 only): <c>{scratch}/delivery-cache</c>.</summary>
    public IReadOnlyList<string> DeliveryCopies(string uid)
    {
        var folder = Path.Combine(dataDir, "scratch", "delivery-cache");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, uid + ".*") : [];
    }

    /// <summary>Staging files (<c>*.partial</c>) still on disk.</summary>
    public IReadOnlyList<string> StagingFiles()
    {
        var folder = Bucket is null ? Root : Path.Combine(dataDir, "scratch");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.partial", SearchOption.AllDirectories) : [];
    }

    // The server's own settings (S3BlobStore.CreateClient), repeated: the client tests link this file without the server.
    private AmazonS3Client Client() => new(new AmazonS3Config
    {
        ServiceURL = settings["DOWNSTREAM_S3_ENDPOINT"],
        ForcePathStyle = true,
        AuthenticationRegion = settings.TryGetValue("DOWNSTREAM_S3_REGION", out var region) ? region : "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });
}
