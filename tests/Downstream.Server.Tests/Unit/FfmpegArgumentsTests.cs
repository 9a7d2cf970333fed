using Downstream.Server.Downloads;
using Downstream.Server.Media;

namespace Downstream.Server.Tests.Unit;

public sealed class FfmpegArgumentsTests
{
    private static MediaInfo H264Aac(int width = 1280, int height = 720) => new()
    {
        Duration = 10,
        FormatName = "mov,mp4,m4a,3gp,3g2,mj2",
        VideoCodec = "h264",
        PixelFormat = "yuv420p",
        Width = width,
        Height = height,
        AudioCodec = "aac",
    };

    private static IReadOnlyList<string> Build(MediaInfo media, DownloadType type, int maxHeight = 1080) =>
        FfmpegArguments.ForDownload("/m/in.src", media.FormatName, "/m/out.partial", DownloadPlanner.Plan(media, type, maxHeight, out _)!, "veryfast");

    [Fact]
    public void H264_with_aac_within_the_cap_is_remuxed_with_faststart()
    {
        Assert.Equal(
            ["-hide_banner", "-nostdin", "-y", "-loglevel", "warning", "-progress", "pipe:1", "-stats_period", "0.5",
             "-protocol_whitelist", "file", "-format_whitelist", MediaContainers.Whitelist, "-f", "mov", "-i", "file:/m/in.src",
             "-map", "0:v:0", "-map", "0:a:0?", "-c:v", "copy", "-c:a", "copy",
             "-sn", "-dn", "-movflags", "+faststart", "-f", "mp4", "file:/m/out.partial"],
            Build(H264Aac(), DownloadType.Default));
    }

    [Fact]
    public void Vp9_with_opus_is_encoded_to_h264_and_aac()
    {
        var args = Build(H264Aac() with { VideoCodec = "vp9", AudioCodec = "opus" }, DownloadType.Default);
        Assert.Equal(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high", "-pix_fmt", "yuv420p"],
            args.SkipWhile(a => a != "-c:v").Take(10));
        Assert.Equal(["-c:a", "aac", "-b:a", "128k"], args.SkipWhile(a => a != "-c:a").Take(4));
        Assert.DoesNotContain("-vf", args);
    }

    [Fact]
    public void H264_taller_than_the_cap_is_scaled_down_with_even_sides()
    {
        var args = Build(H264Aac(3840, 2160), DownloadType.Default).ToList();
        Assert.Equal("scale=1920:1080", args[args.IndexOf("-vf") + 1]);
        Assert.Equal("libx264", args[args.IndexOf("-c:v") + 1]);
        Assert.Equal("copy", args[args.IndexOf("-c:a") + 1]);
    }

    [Fact]
    public void Ten_bit_h264_is_encoded_not_copied()
    {
        var args = Build(H264Aac() with { PixelFormat = "yuv420p10le" }, DownloadType.Default).ToList();
        Assert.Equal("libx264", args[args.IndexOf("-c:v") + 1]);
    }

    [Fact]
    public void Audio_download_drops_video_and_copies_aac()
    {
        var args = Build(H264Aac(), DownloadType.Audio);
        Assert.Equal(["-i", "file:/m/in.src", "-map", "0:a:0", "-vn", "-c:a", "copy"], args.SkipWhile(a => a != "-i").Take(7));
        Assert.DoesNotContain("libx264", args);
    }

    [Fact]
    public void Audio_download_encodes_other_codecs_to_aac()
    {
        var args = Build(H264Aac() with { AudioCodec = "mp3" }, DownloadType.Audio);
        Assert.Equal(["-c:a", "aac", "-b:a", "128k"], args.SkipWhile(a => a != "-c:a").Take(4));
    }

    [Fact]
    public void Audio_only_source_gives_a_default_mp4_with_its_audio()
    {
        var args = Build(new MediaInfo { Duration = 5, FormatName = "mp3", AudioCodec = "mp3" }, DownloadType.Default);
        Assert.Contains("-vn", args);
        Assert.Equal(["-map", "0:a:0"], args.SkipWhile(a => a != "-map").Take(2));
    }

    [Fact]
    public void A_video_without_audio_has_no_audio_download()
    {
        var plan = DownloadPlanner.Plan(H264Aac() with { AudioCodec = null }, DownloadType.Audio, 1080, out var reason);
        Assert.Null(plan);
        Assert.Contains("no audio", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1920, 1080, 1080, 1920, 1080)]
    [InlineData(3840, 2160, 1080, 1920, 1080)]
    [InlineData(1080, 1920, 1080, 608, 1080)]
    [InlineData(641, 361, 1080, 640, 360)]
    [InlineData(320, 240, 1080, 320, 240)]
    [InlineData(854, 480, 360, 640, 360)]
    [InlineData(1000, 1001, 720, 720, 720)]
    public void Target_size_caps_height_keeps_aspect_and_is_even(int w, int h, int cap, int expectedW, int expectedH)
    {
        Assert.Equal((expectedW, expectedH), DownloadPlanner.TargetSize(w, h, cap));
    }

    [Fact]
    public void Display_string_quotes_what_a_shell_would_split()
    {
        Assert.Equal("ffmpeg -i '/tmp/a b.mp4' -map '0:a:0?' 'it'\\''s'",
            FfmpegArguments.ToDisplayString("ffmpeg", ["-i", "/tmp/a b.mp4", "-map", "0:a:0?", "it's"]));
    }
}
