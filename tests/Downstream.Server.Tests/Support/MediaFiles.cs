namespace Downstream.Server.Tests.Support;

/// <summary>The test media of a run, made once with lavfi: a few seconds each.</summary>
public sealed class MediaFiles : IDisposable
{
    private readonly TempDir _dir = new("downstream-media");
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, string> _made = [];

    public string Folder => _dir.Path;

    /// <summary>H.264/AAC MP4, 640x360, 3 s: within the test cap, so it is remuxed.</summary>
    public Task<string> H264AacAsync() => MakeOnceAsync("h264-aac.mp4", f =>
        Ffmpeg.VideoAsync(f, 3, "640x360", ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]));

    /// <summary>MPEG-4 Part 2 with MP3 in Matroska, 854x480, 3 s: encoded and scaled to the 360 cap.</summary>
    public Task<string> Mpeg4Mp3Async() => MakeOnceAsync("mpeg4-mp3.mkv", f =>
        Ffmpeg.VideoAsync(f, 3, "854x480", ["-c:v", "mpeg4", "-q:v", "5", "-c:a", "libmp3lame", "-shortest"]));

    /// <summary>H.264 without audio, 320x240, 2 s.</summary>
    public Task<string> SilentAsync() => MakeOnceAsync("silent.mp4", f =>
        Ffmpeg.VideoAsync(f, 2, "320x240", ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"], audio: false));

    /// <summary>AAC audio only, 3 s.</summary>
    public Task<string> AudioOnlyAsync() => MakeOnceAsync("tone.m4a", f =>
        Ffmpeg.MakeAsync(f, "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100", "-t", "3", "-c:a", "aac"));

    /// <summary>MPEG-4 Part 2, 640x360, long enough that killing the server catches the job mid-way.</summary>
    public Task<string> LongAsync(int seconds) => MakeOnceAsync($"long-{seconds}.mkv", f =>
        Ffmpeg.VideoAsync(f, seconds, "640x360", ["-c:v", "mpeg4", "-q:v", "4", "-c:a", "libmp3lame", "-shortest"]));

    /// <summary>H.264 (lossless, of noise, so large quickly)/AAC MP4, 640x360, 2 s: about 21 MiB, several tus chunks of 5 MiB.</summary>
    public Task<string> LargeAsync() => MakeOnceAsync("large.mp4", f =>
        Ffmpeg.MakeAsync(f, "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25,noise=alls=60:allf=t", "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"));

    public Task<string> PngAsync() => MakeOnceAsync("still.png", f =>
        Ffmpeg.MakeAsync(f, "-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1"));

    public Task<string> TextAsync() => MakeOnceAsync("notes.txt", f => File.WriteAllTextAsync(f, "This is not a video.\nJust text.\n"));

    public Task<string> EmptyAsync() => MakeOnceAsync("empty.mp4", f => File.WriteAllBytesAsync(f, []));

    /// <summary>An MP4 with its moov at the end, cut in half: the index is gone.</summary>
    public Task<string> TruncatedAsync() => MakeOnceAsync("truncated.mp4", async f =>
    {
        var whole = f + ".whole.mp4";
        await Ffmpeg.VideoAsync(whole, 2, "320x240", ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]);
        var bytes = await File.ReadAllBytesAsync(whole);
        await File.WriteAllBytesAsync(f, bytes[..(bytes.Length / 2)]);
    });

    private async Task<string> MakeOnceAsync(string name, Func<string, Task> make)
    {
        await _lock.WaitAsync();
        try
        {
            if (!_made.TryGetValue(name, out var path))
            {
                path = _dir.File(name);
                await make(path);
                _made[name] = path;
            }

            return path;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        _dir.Dispose();
        _lock.Dispose();
    }
}
