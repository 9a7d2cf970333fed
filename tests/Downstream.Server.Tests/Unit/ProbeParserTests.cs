using Downstream.Server.Media;

namespace Downstream.Server.Tests.Unit;

public sealed class ProbeParserTests
{
    private const string Mp4 = """
        {"streams":[
          {"index":0,"codec_name":"h264","codec_type":"video","width":1280,"height":720,"pix_fmt":"yuv420p","disposition":{"attached_pic":0},"duration":"4.000000"},
          {"index":1,"codec_name":"aac","codec_type":"audio","sample_rate":"48000","disposition":{"attached_pic":0},"duration":"4.010000"}],
         "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"4.010000","size":"409402"}}
        """;

    [Fact]
    public void Video_with_audio_is_usable()
    {
        var result = ProbeParser.Parse(Mp4);
        var media = Assert.IsType<MediaInfo>(result.Media);
        Assert.Equal(("h264", "yuv420p", 1280, 720, "aac"), (media.VideoCodec, media.PixelFormat, media.Width, media.Height, media.AudioCodec));
        Assert.Equal(4.01, media.Duration, 3);
        Assert.Null(result.ErrorReasonCode);
    }

    [Fact]
    public void Audio_only_is_usable()
    {
        var result = ProbeParser.Parse("""
            {"streams":[{"codec_name":"mp3","codec_type":"audio"}],"format":{"format_name":"mp3","duration":"3.0"}}
            """);
        Assert.False(result.Media!.HasVideo);
        Assert.Equal("mp3", result.Media.AudioCodec);
    }

    [Fact]
    public void Audio_with_cover_art_is_audio_only()
    {
        var result = ProbeParser.Parse("""
            {"streams":[{"codec_name":"mp3","codec_type":"audio"},
              {"codec_name":"mjpeg","codec_type":"video","width":500,"height":500,"disposition":{"attached_pic":1}}],
             "format":{"format_name":"mp3","duration":"3.0"}}
            """);
        Assert.False(result.Media!.HasVideo);
    }

    [Theory]
    [InlineData("""{"streams":[{"codec_name":"png","codec_type":"video","width":64,"height":64}],"format":{"format_name":"png_pipe"}}""")]
    [InlineData("""{"streams":[{"codec_name":"ansi","codec_type":"video","width":640,"height":400}],"format":{"format_name":"tty","duration":"0.5"}}""")]
    [InlineData("""{"streams":[{"codec_name":"mjpeg","codec_type":"video"}],"format":{"format_name":"image2","duration":"0.04"}}""")]
    [InlineData("""{"streams":[],"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"1"}}""")]
    [InlineData("""{"streams":[{"codec_name":"subrip","codec_type":"subtitle"}],"format":{"format_name":"matroska,webm","duration":"3"}}""")]
    [InlineData("""{"streams":[{"codec_name":"h264","codec_type":"video","width":8,"height":8}],"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2"}}""")]
    [InlineData("""{"streams":[{"codec_name":"h264","codec_type":"video","width":64,"height":64}],"format":{"format_name":"hls","duration":"4"}}""")]
    [InlineData("""{"streams":[{"codec_name":"h264","codec_type":"video","width":64,"height":64}],"format":{"format_name":"concat","duration":"4"}}""")]
    [InlineData("""{"streams":[{"codec_name":"h264","codec_type":"video","width":64,"height":64}],"format":{"format_name":"dash","duration":"4"}}""")]
    [InlineData("""{"streams":[{"codec_name":"h264","codec_type":"video","width":64,"height":64}],"format":{"format_name":"h264","duration":"4"}}""")]
    [InlineData("""{}""")]
    [InlineData("""not json""")]
    public void Stills_text_and_empty_files_are_not_video(string json)
    {
        var result = ProbeParser.Parse(json);
        Assert.Null(result.Media);
        Assert.Equal(ErrorReasons.NonVideo, result.ErrorReasonCode);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorReasonText));
    }

    [Fact]
    public void Longer_than_max_duration_is_rejected_with_its_own_code()
    {
        var result = ProbeParser.Parse(Mp4, maxDurationSeconds: 2);
        Assert.Equal(ErrorReasons.DurationExceedConstraint, result.ErrorReasonCode);
        Assert.Contains("maxDurationSeconds", result.ErrorReasonText, StringComparison.Ordinal);
    }

    [Fact]
    public void Rotated_video_reports_its_display_size()
    {
        var result = ProbeParser.Parse("""
            {"streams":[{"codec_name":"h264","codec_type":"video","width":1920,"height":1080,"pix_fmt":"yuv420p",
              "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]}],
             "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"2"}}
            """);
        Assert.Equal((1080, 1920), (result.Media!.Width, result.Media.Height));
    }

    [Fact]
    public void Duration_falls_back_to_the_streams()
    {
        var result = ProbeParser.Parse("""
            {"streams":[{"codec_name":"vp9","codec_type":"video","width":320,"height":240,"duration":"2.5"}],
             "format":{"format_name":"matroska,webm"}}
            """);
        Assert.Equal(2.5, result.Media!.Duration);
    }
}
