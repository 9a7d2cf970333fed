using Downstream.Server.Media;

namespace Downstream.Server.Tests.Unit;

public sealed class MediaContainersTests
{
    [Theory]
    [InlineData("mov,mp4,m4a,3gp,3g2,mj2", "mov")]
    [InlineData("matroska,webm", "matroska")]
    [InlineData("mpegts", "mpegts")]
    [InlineData("wav", "wav")]
    [InlineData("hls", null)]
    [InlineData("concat", null)]
    [InlineData("dash", null)]
    [InlineData("image2", null)]
    [InlineData("sdp", null)]
    [InlineData("webm_dash_manifest", null)]
    [InlineData("tty", null)]
    [InlineData("png_pipe", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Only_self_contained_demuxers_are_allowed(string? formatName, string? demuxer)
    {
        Assert.Equal(demuxer, MediaContainers.DemuxerOf(formatName));
        Assert.Equal(demuxer is not null, MediaContainers.IsAllowed(formatName ?? ""));
    }

    [Fact]
    public void Whitelist_names_no_demuxer_that_opens_other_files()
    {
        string[] opensOthers = ["hls", "dash", "concat", "image2", "image2pipe", "sdp", "rtp", "rtsp", "webm_dash_manifest", "imf", "tee", "mpegtsraw"];
        Assert.Empty(MediaContainers.Whitelist.Split(',').Intersect(opensOthers));
    }

    [Fact]
    public void Input_is_held_to_the_file_protocol_and_the_probed_demuxer()
    {
        Assert.Equal(
            ["-protocol_whitelist", "file", "-format_whitelist", MediaContainers.Whitelist, "-f", "matroska", "-i", "file:/data/a:b"],
            MediaContainers.InputArguments("/data/a:b", "matroska,webm"));
        Assert.Equal(
            ["-protocol_whitelist", "file", "-format_whitelist", MediaContainers.Whitelist, "-i", "file:/data/x"],
            MediaContainers.InputArguments("/data/x", null));
    }

    [Fact]
    public void Probe_arguments_are_held_the_same_way()
    {
        var args = MediaProber.ProbeArguments("/data/x");
        Assert.Equal(["-protocol_whitelist", "file", "-format_whitelist", MediaContainers.Whitelist, "-i", "file:/data/x"], args.Skip(args.Count - 6));
    }
}
