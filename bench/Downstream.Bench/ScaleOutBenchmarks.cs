using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Downstream.Server.Storage.S3;
using Npgsql;
using NpgsqlTypes;

namespace Downstream.Bench;

/// <summary>
/// The rows of issue 8: the server on PostgreSQL and the RADOS Gateway that scripts/bench started
/// (<c>DOWNSTREAM_TEST_POSTGRES</c>, <c>DOWNSTREAM_TEST_S3_ENDPOINT</c>), each against its baseline in the same run:
/// the minimal Kestrel handler, a direct GET from the gateway, a direct multipart PUT to the gateway.
/// </summary>
public sealed class ScaleOutBenchmarks(Services services, string work, int runs, int seconds)
{
    private const int Videos = 1_000_000;

    private static string Stream => $"/client/v4/accounts/{Services.Account}/stream";

    private static string PostgresAdmin => Environment.GetEnvironmentVariable("DOWNSTREAM_TEST_POSTGRES")!;

    private static string S3Endpoint => Environment.GetEnvironmentVariable("DOWNSTREAM_TEST_S3_ENDPOINT")!;

    public static bool Available =>
        Environment.GetEnvironmentVariable("DOWNSTREAM_TEST_POSTGRES") is { Length: > 0 }
        && Environment.GetEnvironmentVariable("DOWNSTREAM_TEST_S3_ENDPOINT") is { Length: > 0 };

    public async Task<List<Row>> RunAsync(string h264, string big, Action<string> say)
    {
        var rows = new List<Row>();
        using var s3 = S3BlobStore.CreateClient(S3Endpoint, "us-east-1");
        var backend = await NewBackendAsync();
        await using (var server = await services.ServerAsync(Path.Combine(work, "data-pg"), environment: backend))
        {
            using var http = Services.Client(server);
            var uid = await Benchmarks.UploadAsync(http, h264);
            (await http.PostAsync($"{Stream}/{uid}/downloads", null)).EnsureSuccessStatusCode();
            await WaitReadyAsync(http, uid);
            var key = $"videos/{uid}/downloads/default.mp4";
            var size = (await s3.GetObjectMetadataAsync(backend["DOWNSTREAM_S3_BUCKET"], key)).ContentLength;
            var direct = new Uri(await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = backend["DOWNSTREAM_S3_BUCKET"],
                Key = key,
                Verb = HttpVerb.GET,
                Expires = DateTime.UtcNow.AddHours(2),
                Protocol = Protocol.HTTP,
            }));
            var downloadsBody = Path.Combine(work, "downloads-body-pg.json");
            await File.WriteAllBytesAsync(downloadsBody, await http.GetByteArrayAsync($"{Stream}/{uid}/downloads"));

            await using (var baseline = await services.BaselineAsync(downloadsBody, work))
            {
                say("PostgreSQL: GET .../downloads against the minimal Kestrel handler");
                rows.Add(await Benchmarks.ApiRowAsync(server, baseline, uid, runs, seconds, "PostgreSQL: ", p99Limit: null));
            }

            say("S3: delivery through the API node against a direct GET from the gateway");
            rows.Add(await DeliveryRowAsync(server, direct, $"/{uid}/downloads/default.mp4", size, ""));
            rows.Add(await RangeRowAsync(server, direct, $"/{uid}/downloads/default.mp4", ""));

            // A second node on the same database and bucket with its copies turned off: every byte from the gateway.
            await using (var uncached = await services.ServerAsync(Path.Combine(work, "data-pg-nocache"),
                environment: new Dictionary<string, string>(backend) { ["DOWNSTREAM_S3_CACHE_BYTES"] = "0" }))
            {
                say("S3: the same through a node without delivery copies");
                rows.Add(await DeliveryRowAsync(uncached, direct, $"/{uid}/downloads/default.mp4", size, " (node copies off)"));
                rows.Add(await RangeRowAsync(uncached, direct, $"/{uid}/downloads/default.mp4", " (node copies off)"));
            }

            say("S3: 1 GiB upload through the API node against a direct multipart PUT to the gateway");
            rows.Add(await UploadRowAsync(server, http, s3, backend["DOWNSTREAM_S3_BUCKET"], big));
        }

        say($"PostgreSQL: {Videos:N0} videos with downloads");
        rows.AddRange(await MillionRowsAsync(say));
        return rows;
    }

    /// <summary>A database and a bucket of this run's own.</summary>
    private static async Task<Dictionary<string, string>> NewBackendAsync()
    {
        var name = $"bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(PostgresAdmin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new Dictionary<string, string>
        {
            ["DOWNSTREAM_POSTGRES"] = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name, MaxPoolSize = 100 }.ConnectionString,
            ["DOWNSTREAM_S3_ENDPOINT"] = S3Endpoint,
            ["DOWNSTREAM_S3_BUCKET"] = $"bench-{Guid.NewGuid():N}",
        };
    }

    private static async Task WaitReadyAsync(HttpClient http, string uid)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            using var body = JsonDocument.Parse(await http.GetStringAsync($"{Stream}/{uid}/downloads"));
            var status = body.RootElement.GetProperty("result").GetProperty("default").GetProperty("status").GetString();
            if (status == "ready")
            {
                return;
            }

            if (status == "error")
            {
                throw new InvalidOperationException("the download failed on the server");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the download did not become ready in 5 minutes");
    }

    private Task<(double Ours, double Baseline, Dictionary<string, object> Runs)> CompareAsync(
        Service server, string path, Uri direct, int connections, Func<WrkResult, double> figure, params string[] headers) =>
        Wrk.CompareAsync(server.Url + path, direct.ToString(), "radosgw", runs, seconds, connections, figure, headers);

    private async Task<Row> DeliveryRowAsync(Service server, Uri direct, string path, long size, string variant)
    {
        var (s, b, all) = await CompareAsync(server, path, direct, 4, r => r.BytesPerSecond);
        return new Row($"S3: GET default.mp4 whole file ({size / (1024 * 1024.0):0.0} MiB) through the API node{variant}, 4 connections", "direct GET from the RADOS Gateway (presigned)",
            Stats.Mb(s), Stats.Mb(b), $"{s / b:0.00}x", variant.Length == 0 ? ">= 0.8x" : "none (for comparison)", variant.Length > 0 || s / b >= 0.8)
        {
            Runs = all,
        };
    }

    private async Task<Row> RangeRowAsync(Service server, Uri direct, string path, string variant)
    {
        var (s, b, all) = await CompareAsync(server, path, direct, 32, r => r.RequestsPerSecond, "Range: bytes=1048576-1114111");
        return new Row($"S3: 64 KiB Range requests through the API node{variant}, 32 connections", "direct ranged GET from the RADOS Gateway",
            $"{s:0} req/s", $"{b:0} req/s", $"{s / b:0.00}x", variant.Length == 0 ? ">= 0.8x" : "none (for comparison)", variant.Length > 0 || s / b >= 0.8)
        {
            Runs = all,
        };
    }

    /// <summary>
    /// curl's multipart upload into the server (which sends parts to the gateway while it receives, then
    /// ffprobes) against the SDK's multipart PUT of the same file with the same part size and parallelism.
    /// Each object is deleted after its run: the gateway keeps everything in memory.
    /// </summary>
    private async Task<Row> UploadRowAsync(Service server, HttpClient http, AmazonS3Client s3, string bucket, string file)
    {
        var size = new FileInfo(file).Length;
        var ours = new List<double>();
        var theirs = new List<double>();
        var growth = new List<double>();
        string[] upload = ["-s", "-o", Path.Combine(work, "upload-answer.json"), "-w", "%{http_code}", "-H", $"Authorization: Bearer {Services.Token}", "-F", $"file=@{file}", server.Url + Stream];

        async Task<double> ServerOnceAsync()
        {
            var (code, output, error, elapsed) = await Processes.RunAsync("curl", upload);
            if (code != 0 || output != "200")
            {
                throw new InvalidOperationException($"upload failed: {output} {error}");
            }

            using var answer = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work, "upload-answer.json")));
            var uid = answer.RootElement.GetProperty("result").GetProperty("uid").GetString();
            (await http.DeleteAsync($"{Stream}/{uid}")).EnsureSuccessStatusCode();
            return size / elapsed.TotalSeconds;
        }

        // The same calls the server makes: 16 MiB parts read from the file, 4 in flight.
        async Task<double> DirectOnceAsync()
        {
            const long part = 16L * 1024 * 1024;
            var watch = Stopwatch.StartNew();
            var started = await s3.InitiateMultipartUploadAsync(bucket, "bench/direct");
            using var slots = new SemaphoreSlim(4);
            var parts = await Task.WhenAll(Enumerable.Range(0, (int)((size + part - 1) / part)).Select(async i =>
            {
                await slots.WaitAsync();
                try
                {
                    var sent = await s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = bucket,
                        Key = "bench/direct",
                        UploadId = started.UploadId,
                        PartNumber = i + 1,
                        FilePath = file,
                        FilePosition = i * part,
                        PartSize = Math.Min(part, size - (i * part)),
                    });
                    return new PartETag(i + 1, sent.ETag);
                }
                finally
                {
                    slots.Release();
                }
            }));
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "bench/direct", UploadId = started.UploadId, PartETags = [.. parts] });
            watch.Stop();
            await s3.DeleteObjectAsync(bucket, "bench/direct");
            return size / watch.Elapsed.TotalSeconds;
        }

        await ServerOnceAsync();
        await DirectOnceAsync();
        for (var i = 0; i < runs; i++)
        {
            var (rate, grew) = await Processes.WithPeakRssAsync(server.Pid, ServerOnceAsync);
            ours.Add(rate);
            growth.Add(grew);
            theirs.Add(await DirectOnceAsync());
        }

        var s = Stats.Median(ours);
        var b = Stats.Median(theirs);
        var rss = Stats.Median(growth) / (1024 * 1024);
        return new Row("S3: multipart upload of a 1 GiB file through the API node", "direct multipart PUT to the gateway (16 MiB parts from the file, 4 at once)",
            $"{Stats.Mb(s)}, RSS +{rss:0} MiB", Stats.Mb(b), $"{s / b:0.00}x", ">= 0.8x, RSS growth <= 100 MiB", s / b >= 0.8 && rss <= 100)
        {
            Runs = new() { ["server_bytes_per_second"] = ours, ["direct_bytes_per_second"] = theirs, ["rss_growth_bytes"] = growth },
        };
    }

    private async Task<List<Row>> MillionRowsAsync(Action<string> say)
    {
        var backend = await NewBackendAsync();
        var data = Path.Combine(work, "data-pg-1m");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        // Start once to make the schema and the account, then seed with COPY.
        await (await services.ServerAsync(data, environment: backend)).DisposeAsync();
        var watch = Stopwatch.StartNew();
        var sample = await SeedAsync(backend["DOWNSTREAM_POSTGRES"]);
        say($"  seeded in {watch.Elapsed.TotalSeconds:0} s");

        await using var server = await services.ServerAsync(data, environment: backend);
        var auth = $"Authorization: Bearer {Services.Token}";
        var listUrl = $"{server.Url}{Stream}?limit=1000";
        var downloadsUrl = $"{server.Url}{Stream}/{sample}/downloads";

        // Every request another page: each one misses the cache and is a real query.
        var pages = Path.Combine(work, "pages.lua");
        var newest = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await File.WriteAllTextAsync(pages, $$"""
            local n = 0
            request = function()
              n = n + 1
              local before = os.date("!%Y-%m-%dT%H:%M:%SZ", {{newest}} - 1000 - ((n * 7919) % {{Videos - 2000}}))
              return wrk.format(nil, "{{Stream}}?limit=1000&before=" .. before)
            end
            """);
        var list = new List<WrkResult>();
        var paged = new List<WrkResult>();
        var downloads = new List<WrkResult>();
        await Wrk.WarmAsync(listUrl, 8, auth);
        await Wrk.WarmAsync(downloadsUrl, 8, auth);
        for (var i = 0; i < runs; i++)
        {
            list.Add(await Wrk.RunAsync(listUrl, 8, seconds, auth));
            paged.Add(await Wrk.RunScriptAsync(server.Url, pages, 8, seconds, auth));
            downloads.Add(await Wrk.RunAsync(downloadsUrl, 8, seconds, auth));
        }

        Row Target(string name, List<WrkResult> results, double? limit)
        {
            var p99 = Stats.Median(results.Select(r => r.P99Ms));
            return new Row(name, limit is null ? "for information" : "target only", $"p99 {p99:0.0} ms, {Stats.Median(results.Select(r => r.RequestsPerSecond)):0} req/s", "-", "-",
                limit is { } most ? $"p99 <= {most:0} ms" : "none (no errors)", (limit is not { } at || p99 <= at) && results.All(r => r.Errors == 0))
            {
                Runs = new() { ["server"] = results },
            };
        }

        return
        [
            Target($"PostgreSQL: GET /stream?limit=1000 with {Videos:N0} videos, 8 connections", list, 20),
            Target($"PostgreSQL: same, a different page (?before=) each request (all cache misses), 8 connections", paged, null),
            Target($"PostgreSQL: GET .../downloads with {Videos:N0} videos, 8 connections", downloads, 5),
        ];
    }

    /// <summary>One million ready videos, one a second back from now, each with both downloads ready; a uid to ask for.</summary>
    private static async Task<string> SeedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var uids = new string[Videos];
        for (var i = 0; i < Videos; i++)
        {
            uids[i] = Guid.NewGuid().ToString("N");
        }

        await using (var videos = await connection.BeginBinaryImportAsync(
            "COPY videos (uid, account_id, state, pct_complete, duration, width, height, size, meta, name, created, modified, uploaded, ready_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Videos; i++)
            {
                var created = now - ((Videos - i) * 1000L);
                await videos.StartRowAsync();
                await videos.WriteAsync(uids[i], NpgsqlDbType.Text);
                await videos.WriteAsync(Services.Account, NpgsqlDbType.Text);
                await videos.WriteAsync("ready", NpgsqlDbType.Text);
                await videos.WriteAsync(100.0, NpgsqlDbType.Double);
                await videos.WriteAsync(60.0, NpgsqlDbType.Double);
                await videos.WriteAsync(1280L, NpgsqlDbType.Bigint);
                await videos.WriteAsync(720L, NpgsqlDbType.Bigint);
                await videos.WriteAsync(10_000_000L, NpgsqlDbType.Bigint);
                await videos.WriteAsync($"{{\"name\":\"video-{i}.mp4\"}}", NpgsqlDbType.Text);
                await videos.WriteAsync($"video-{i}.mp4", NpgsqlDbType.Text);
                await videos.WriteAsync(created, NpgsqlDbType.Bigint);
                await videos.WriteAsync(created, NpgsqlDbType.Bigint);
                await videos.WriteAsync(created, NpgsqlDbType.Bigint);
                await videos.WriteAsync(created, NpgsqlDbType.Bigint);
            }

            await videos.CompleteAsync();
        }

        await using (var downloads = await connection.BeginBinaryImportAsync(
            "COPY downloads (video_uid, type, status, percent_complete, job_id, size, created, modified) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Videos; i++)
            {
                var created = now - ((Videos - i) * 1000L);
                foreach (var (type, size) in new[] { ("default", 9_000_000L), ("audio", 900_000L) })
                {
                    await downloads.StartRowAsync();
                    await downloads.WriteAsync(uids[i], NpgsqlDbType.Text);
                    await downloads.WriteAsync(type, NpgsqlDbType.Text);
                    await downloads.WriteAsync("ready", NpgsqlDbType.Text);
                    await downloads.WriteAsync(100.0, NpgsqlDbType.Double);
                    await downloads.WriteAsync(Guid.NewGuid().ToString("N"), NpgsqlDbType.Text);
                    await downloads.WriteAsync(size, NpgsqlDbType.Bigint);
                    await downloads.WriteAsync(created, NpgsqlDbType.Bigint);
                    await downloads.WriteAsync(created, NpgsqlDbType.Bigint);
                }
            }

            await downloads.CompleteAsync();
        }

        foreach (var table in new[] { "videos", "downloads" })
        {
            await using var analyze = new NpgsqlCommand($"VACUUM ANALYZE {table}", connection);
            analyze.CommandTimeout = 600;
            await analyze.ExecuteNonQueryAsync();
        }

        // Write the seeded pages out now, not during the measurements (needs the superuser).
        if (Environment.GetEnvironmentVariable("DOWNSTREAM_TEST_POSTGRES_ADMIN") is { Length: > 0 } admin)
        {
            await using var superuser = new NpgsqlConnection(admin);
            await superuser.OpenAsync();
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", superuser) { CommandTimeout = 600 };
            await checkpoint.ExecuteNonQueryAsync();
        }

        return uids[Videos / 2];
    }
}
