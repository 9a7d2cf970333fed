using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Downstream.Server.Api;
using Downstream.Server.Tests.Support;
using Downstream.Server.Videos;

namespace Downstream.Server.Tests.Unit;

public sealed class MultipartFileReaderTests : IDisposable
{
    private const string Boundary = "----b0undary";
    private readonly TempDir _dir = new();

    private static byte[] Body(byte[] file, bool otherFirst = true, bool close = true)
    {
        var head = (otherFirst ? $"preamble\r\n--{Boundary}\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n" : "")
            + $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n";
        var tail = close ? $"\r\n--{Boundary}--\r\n" : "";
        return [.. Encoding.ASCII.GetBytes(head), .. file, .. Encoding.ASCII.GetBytes(tail)];
    }

    /// <summary>Feeds the body in small pieces, so the boundary falls across reads and segments.</summary>
    private async Task<UploadReader.UploadedFile?> ReadAsync(byte[] body, int chunk, long maxBytes = long.MaxValue, Action<long>? written = null)
    {
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 16));
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < body.Length; i += chunk)
            {
                await pipe.Writer.WriteAsync(body.AsMemory(i, Math.Min(chunk, body.Length - i)));
            }

            await pipe.Writer.CompleteAsync();
        });
        try
        {
            return await MultipartFileReader.CopyFileFieldAsync(pipe.Reader, Boundary, _dir.File("out"), maxBytes, written, CancellationToken.None);
        }
        finally
        {
            await pipe.Reader.CompleteAsync();
            await writing.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task Progress_is_reported_only_for_bytes_already_in_the_file_and_ends_at_its_length()
    {
        var file = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var body = Body(file);
        var reports = new List<(long Reported, long OnDisk)>();
        using var reported = new SemaphoreSlim(0);
        var pipe = new Pipe();

        // Half a MiB at a time, each after the reader reported the one before: the file arrives in pieces.
        var writing = Task.Run(async () =>
        {
            const int chunk = 512 * 1024;
            for (var i = 0; i < body.Length; i += chunk)
            {
                await pipe.Writer.WriteAsync(body.AsMemory(i, Math.Min(chunk, body.Length - i)));
                if (i + chunk < body.Length && !await reported.WaitAsync(TimeSpan.FromSeconds(10)))
                {
                    break;
                }
            }

            await pipe.Writer.CompleteAsync();
        });
        var result = await MultipartFileReader.CopyFileFieldAsync(pipe.Reader, Boundary, _dir.File("out"), long.MaxValue, length =>
        {
            reports.Add((length, new FileInfo(_dir.File("out")).Length));
            reported.Release();
        }, CancellationToken.None);
        await pipe.Reader.CompleteAsync();
        await writing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(file.LongLength, result!.Length);
        Assert.True(reports.Count > 1, $"progress is reported while the file arrives ({reports.Count} reports)");
        Assert.All(reports, r => Assert.True(r.Reported <= r.OnDisk, $"{r.Reported} reported with {r.OnDisk} on disk"));
        Assert.Equal(reports.Select(r => r.Reported).Order(), reports.Select(r => r.Reported));
        Assert.Equal(file.LongLength, reports[^1].Reported);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(4096)]
    public async Task The_file_part_arrives_byte_for_byte_however_the_body_is_cut(int chunk)
    {
        // Data that looks like the start of a delimiter, but is not one.
        var file = Encoding.ASCII.GetBytes($"abc\r\n--{Boundary[..6]}x\r\n-\r\n--\r\n{new string('z', 5000)}\r\n--{Boundary[..^1]}X")
            .Concat(Enumerable.Range(0, 3000).Select(i => (byte)i)).ToArray();
        var result = await ReadAsync(Body(file), chunk);
        Assert.Equal(("clip.mp4", (long)file.Length), (result!.FileName, result.Length));
        Assert.Equal(file, await File.ReadAllBytesAsync(_dir.File("out")));
    }

    [Fact]
    public async Task A_body_without_a_file_part_gives_null()
    {
        var body = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--{Boundary}--\r\n");
        Assert.Null(await ReadAsync(body, 5));
    }

    [Theory]
    [InlineData("no boundary at all")]
    [InlineData("--" + Boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nunterminated")]
    [InlineData("--" + Boundary + "\r\nbroken header\r\n\r\nx\r\n--" + Boundary + "--")]
    [InlineData("--" + Boundary + "XX")]
    public async Task Malformed_bodies_are_400(string body)
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => ReadAsync(Encoding.ASCII.GetBytes(body), 3));
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_413()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => ReadAsync(Body(new byte[10_000]), 1000, maxBytes: 5_000));
        Assert.Equal(413, error.Status);
    }

    public void Dispose() => _dir.Dispose();
}
