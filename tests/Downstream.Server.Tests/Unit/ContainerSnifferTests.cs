using System.Text;
using Downstream.Server.Media;

namespace Downstream.Server.Tests.Unit;

public sealed class ContainerSnifferTests
{
    public static TheoryData<string, byte[]> Containers => new()
    {
        { "mov", [0, 0, 0, 0x20, .. "ftypisom"u8, 0, 0, 2, 0] },
        { "mov", [0, 0, 0, 8, .. "wide"u8, 0, 0, 0, 8, .. "mdat"u8] },
        { "matroska", [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81] },
        { "mpegts", Packets(0, 188, 3) },
        { "mpegts", Packets(4, 192, 3) },
        { "mpeg", [0, 0, 1, 0xBA, 0x44, 0, 4, 0, 4, 1] },
        { "avi", [.. "RIFF"u8, 0, 0, 0, 0, .. "AVI LIST"u8] },
        { "wav", [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVEfmt "u8] },
        { "flv", [.. "FLV"u8, 1, 5, 0, 0, 0, 9] },
        { "ogg", [.. "OggS"u8, 0, 2] },
        { "flac", [.. "fLaC"u8, 0, 0, 0, 34] },
        { "mp3", [.. "ID3"u8, 4, 0, 0] },
        { "mp3", [0xFF, 0xFB, 0x90, 0x64] },
        { "mp3", [0xFF, 0xF1, 0x50, 0x80] },
        { "asf", [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9] },
        { "mxf", [0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01] },
        { "aiff", [.. "FORM"u8, 0, 0, 0, 0, .. "AIFF"u8] },
        { "caf", [.. "caff"u8, 0, 1, 0, 0] },
        { "amr", [.. "#!AMR\n"u8] },
    };

    [Theory]
    [MemberData(nameof(Containers))]
    public void Container_signatures_are_recognised(string expected, byte[] head)
    {
        Assert.Equal(expected, ContainerSniffer.Sniff(head));
    }

    [Theory]
    [InlineData("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\n/data/media/videos/x/downloads/default.mp4\n")]
    [InlineData("ffconcat version 1.0\nfile '/data/media/videos/x/source'\n")]
    [InlineData("file '/etc/passwd'\n")]
    [InlineData("<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\"></MPD>")]
    [InlineData("v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nm=video 5004 RTP/AVP 96\n")]
    [InlineData("1\n00:00:00,000 --> 00:00:02,000\nhello\n")]
    [InlineData("[Script Info]\nScriptType: v4.00+\n")]
    [InlineData("WEBVTT\n\n00:00.000 --> 00:02.000\nhello\n")]
    [InlineData("plain text that ffmpeg's tty demuxer would render as video")]
    [InlineData("")]
    public void Text_formats_are_refused(string text)
    {
        Assert.Null(ContainerSniffer.Sniff(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Images_and_a_lone_sync_byte_are_refused()
    {
        Assert.Null(ContainerSniffer.Sniff([0x89, .. "PNG\r\n\u001a\n"u8]));
        Assert.Null(ContainerSniffer.Sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, .. "JFIF"u8]));
        Assert.Null(ContainerSniffer.Sniff([.. "GIF89a"u8]));
        Assert.Null(ContainerSniffer.Sniff(Packets(0, 188, 1)));
        Assert.Null(ContainerSniffer.Sniff([.. "RIFF"u8, 0, 0, 0, 0, .. "WEBPVP8 "u8]));
    }

    private static byte[] Packets(int first, int size, int count)
    {
        var bytes = new byte[first + (size * count)];
        for (var i = 0; i < count; i++)
        {
            bytes[first + (i * size)] = 0x47;
        }

        if (count == 1)
        {
            return [.. bytes, 0x11];
        }

        return bytes;
    }
}
