using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Reliability;

/// <summary>The data folder on a small tmpfs that fills up while a job runs. Needs root (CI runs as root).</summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly TempDir _mount = new("downstream-tmpfs");
    private readonly MediaFiles _media = new();
    private bool _mounted;

    [SkippableFact]
    public async Task A_full_disk_fails_the_job_and_keeps_earlier_files_served()
    {
        Skip.IfNot(Environment.UserName == "root" && OperatingSystem.IsLinux(), "mounting a tmpfs needs root");
        var (code, _, error) = await Ffmpeg.RunAsync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", _mount.Path]);
        Skip.If(code != 0, $"mount failed: {error}");
        _mounted = true;

        // A 1 MiB reserve: the small disk takes the test media, and a full one refuses uploads up front.
        await using var server = await ServerProcess.StartAsync(_mount.Path, new Dictionary<string, string> { ["DOWNSTREAM_MIN_FREE_BYTES"] = "1048576" });
        var api = new StreamApi(server.Http);
        var earlier = await api.UploadReadyAsync(await _media.H264AacAsync());
        await api.CreateDownloadAsync(earlier);
        await api.WaitForDownloadAsync(earlier, "default");
        var earlierHash = SHA256.HashData(await server.Http.GetByteArrayAsync($"/{earlier}/downloads/default.mp4"));
        var uid = await api.UploadReadyAsync(await _media.Mpeg4Mp3Async());

        // Fill the disk, then give back a sliver: enough for the database, not for the encode.
        var filler = Path.Combine(_mount.Path, "filler");
        var spare = Path.Combine(_mount.Path, "spare");
        await File.WriteAllBytesAsync(spare, new byte[192 * 1024]);
        Fill(filler);
        File.Delete(spare);

        var (status, _) = await api.CreateDownloadAsync(uid);
        Assert.Equal(HttpStatusCode.OK, status);
        var entry = await api.WaitForDownloadAsync(uid, "default", seconds: 60);
        Assert.Equal("error", entry.GetProperty("status").GetString());
        Assert.Equal("ERR_DISK_FULL", entry.GetProperty("errorReasonCode").GetString());
        Assert.Contains("disk is full", entry.GetProperty("errorReasonText").GetString(), StringComparison.Ordinal);

        using (var health = await server.Http.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Equal(earlierHash, SHA256.HashData(await server.Http.GetByteArrayAsync($"/{earlier}/downloads/default.mp4")));
        using (var missing = await server.Http.GetAsync($"/{uid}/downloads/default.mp4"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Empty(server.Media.StagingFiles());

        // A new upload on the full disk is refused before any byte is stored, not failed half-way.
        using (var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(await _media.H264AacAsync())), "file", "late.mp4" } })
        {
            var (refused, _) = await api.SendAsync(HttpMethod.Post, api.Stream, form);
            Assert.Equal(HttpStatusCode.InsufficientStorage, refused);
        }

        // With space again, creating it anew retries and succeeds.
        File.Delete(filler);
        await api.CreateDownloadAsync(uid);
        Assert.Equal("ready", (await api.WaitForDownloadAsync(uid, "default", seconds: 60)).GetProperty("status").GetString());
    }

    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                file.Write(chunk);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            using var umount = Process.Start("umount", ["-l", _mount.Path]);
            umount.WaitForExit();
        }

        _media.Dispose();
        _mount.Dispose();
    }
}
