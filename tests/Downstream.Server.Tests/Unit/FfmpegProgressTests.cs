using Downstream.Server.Media;

namespace Downstream.Server.Tests.Unit;

public sealed class FfmpegProgressTests
{
    [Theory]
    [InlineData("out_time_us=5000000", 10, 50.0)]
    [InlineData("out_time_ms=2500000", 10, 25.0)]
    [InlineData("out_time_us=0", 10, 0.0)]
    [InlineData("out_time_us=12345678", 100, 12.3)]
    [InlineData("out_time_us=20000000", 10, 99.9)]
    [InlineData(" out_time_us = 1000000 ", 4, 25.0)]
    public void Position_lines_give_a_percentage_below_100(string line, double duration, double expected)
    {
        Assert.Equal(expected, FfmpegProgress.Parse(line, duration));
    }

    [Theory]
    [InlineData("out_time_us=N/A")]
    [InlineData("out_time_us=-5")]
    [InlineData("out_time=00:00:01.000000")]
    [InlineData("frame=25")]
    [InlineData("progress=continue")]
    [InlineData("progress=end")]
    [InlineData("")]
    [InlineData("garbage")]
    public void Other_lines_carry_no_position(string line)
    {
        Assert.Null(FfmpegProgress.Parse(line, 10));
    }

    [Fact]
    public void Unknown_duration_gives_no_percentage()
    {
        Assert.Null(FfmpegProgress.Parse("out_time_us=1000000", 0));
    }
}
