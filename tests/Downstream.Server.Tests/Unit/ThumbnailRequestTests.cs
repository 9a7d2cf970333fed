using Downstream.Server.Api;
using Downstream.Server.Media;
using Downstream.Server.Thumbnails;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Downstream.Server.Tests.Unit;

public sealed class ThumbnailRequestTests
{
    private static ThumbnailRequest Parse(string query) => ThumbnailRequest.Parse(new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)));

    [Theory]
    [InlineData("time=12s", 12.0)]
    [InlineData("time=1.5s", 1.5)]
    [InlineData("time=7", 7.0)]
    [InlineData("time=2m", 120.0)]
    [InlineData("time=1m30s", 90.0)]
    [InlineData("time=1h2m3s", 3723.0)]
    public void Times_are_read_as_cloudflare_writes_them(string query, double seconds) =>
        Assert.Equal(seconds, Parse(query).Time);

    [Theory]
    [InlineData("time=soon")]
    [InlineData("time=-1s")]
    [InlineData("time=s")]
    [InlineData("time=1.2345s")]
    [InlineData("width=0")]
    [InlineData("width=2001")]
    [InlineData("height=+5")]
    [InlineData("height=1e3")]
    [InlineData("fit=stretch")]
    public void Anything_else_is_a_400_naming_the_parameter(string query)
    {
        var error = Assert.Throws<ApiException>(() => Parse(query));
        Assert.Equal(400, error.Status);
        Assert.Contains(query.Split('=')[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_time_the_frame_is_at_the_videos_own_position_and_never_past_the_end()
    {
        var request = Parse("");
        Assert.Equal(("crop", null, null, (double?)null), (request.Fit, request.Width, request.Height, request.Time));
        Assert.Equal(0, request.SecondFor(20, 0));
        Assert.Equal(5, request.SecondFor(20, 0.25));
        Assert.Equal(19.9, request.SecondFor(20, 1), 6);
        Assert.Equal(3, Parse("time=3s").SecondFor(20, 0.9));
        Assert.Equal(400, Assert.Throws<ApiException>(() => Parse("time=21s").SecondFor(20, 0)).Status);
    }

    [Theory]
    [InlineData("", "scale=w='min(1280,iw)':h='min(1280,ih)':force_original_aspect_ratio=decrease")]
    [InlineData("width=320", "scale=320:-2")]
    [InlineData("height=180", "scale=-2:180")]
    [InlineData("width=200&height=100", "scale=200:100:force_original_aspect_ratio=increase,crop=200:100")]
    [InlineData("width=200&height=100&fit=clip", "scale=w='min(200,iw)':h='min(100,ih)':force_original_aspect_ratio=decrease")]
    [InlineData("width=200&height=100&fit=scale", "scale=200:100:force_original_aspect_ratio=decrease")]
    [InlineData("width=200&height=100&fit=fill", "scale=200:100:force_original_aspect_ratio=decrease,pad=200:100:(ow-iw)/2:(oh-ih)/2:black")]
    public void Each_fit_is_one_filter_chain(string query, string scale) =>
        Assert.Equal(scale + ",setsar=1,format=yuvj420p", ThumbnailArguments.Filter(Parse(query)));

    [Fact]
    public void The_command_seeks_before_a_whitelisted_file_input_and_writes_one_jpeg() =>
        Assert.Equal(
            ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-ss", "12.5",
             "-protocol_whitelist", "file", "-format_whitelist", MediaContainers.Whitelist, "-f", "matroska", "-i", "file:/m/in.src",
             "-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn", "-vf", "scale=-2:90,setsar=1,format=yuvj420p", "-q:v", "3", "-c:v", "mjpeg", "-f", "image2", "file:/m/t.jpg"],
            ThumbnailArguments.For("/m/in.src", "matroska,webm", 12.5, Parse("height=90"), "/m/t.jpg"));
}
