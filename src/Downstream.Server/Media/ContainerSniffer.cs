using System.Buffers.Binary;
using System.Text;

namespace Downstream.Server.Media;

/// <summary>
/// Decides from a file's first bytes, before any tool reads it, whether it starts like one of the
/// containers in <see cref="MediaContainers"/>. Text files (playlists, concat lists, manifests, SDP,
/// subtitles) start with no such signature, so they never reach ffprobe at all.
/// </summary>
public static class ContainerSniffer
{
    /// <summary>Bytes to read: enough for two MPEG-TS packets (three for M2TS) and any signature below.</summary>
    public const int HeadLength = 4096;

    // ISO BMFF / QuickTime top-level boxes that real files start with.
    private static readonly HashSet<string> QuickTimeBoxes = new(StringComparer.Ordinal)
    {
        "ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid", "junk",
    };

    /// <summary>The container family the head looks like, or null when it matches none.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 8 && QuickTimeBoxes.Contains(Ascii(head.Slice(4, 4))) && BoxSizeFits(head))
        {
            return "mov";
        }

        if (StartsWith(head, [0x1A, 0x45, 0xDF, 0xA3]))
        {
            return "matroska";
        }

        if (IsTransportStream(head, 0, 188) || IsTransportStream(head, 4, 192))
        {
            return "mpegts";
        }

        if (StartsWith(head, [0x00, 0x00, 0x01, 0xBA]))
        {
            return "mpeg";
        }

        if (head.Length >= 12 && Ascii(head[..4]) is "RIFF" or "RF64" or "BW64")
        {
            return Ascii(head.Slice(8, 4)) switch
            {
                "AVI " or "AVIX" => "avi",
                "WAVE" => "wav",
                _ => null,
            };
        }

        if (StartsWith(head, "riff"u8) && head.Length >= 16 && head[4] == 0x2E && head[5] == 0x91)
        {
            return "w64";
        }

        if (head.Length >= 12 && Ascii(head[..4]) == "FORM" && Ascii(head.Slice(8, 4)) is "AIFF" or "AIFC")
        {
            return "aiff";
        }

        return Ascii(head[..Math.Min(4, head.Length)]) switch
        {
            "FLV\x01" => "flv",
            "OggS" => "ogg",
            "fLaC" => "flac",
            "caff" => "caf",
            "#!AM" when StartsWith(head, "#!AMR"u8) => "amr",
            _ when StartsWith(head, "ID3"u8) => "mp3",
            _ when StartsWith(head, [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) => "asf",
            _ when StartsWith(head, [0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01]) => "mxf",
            _ when StartsWith(head, [0x1F, 0x07, 0x00]) => "dv",
            _ when head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 => "mp3", // MPEG audio or ADTS AAC frame sync
            _ => null,
        };
    }

    /// <summary>Reads the head of <paramref name="path"/> and sniffs it.</summary>
    public static async Task<string?> SniffFileAsync(string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[HeadLength];
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        var read = 0;
        while (read < buffer.Length && await file.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
        {
            read += n;
        }

        return Sniff(buffer.AsSpan(0, read));
    }

    // A box size of 0 (to end of file) or 1 (64-bit size follows) is legal; otherwise at least the 8-byte header.
    private static bool BoxSizeFits(ReadOnlySpan<byte> head) => BinaryPrimitives.ReadUInt32BigEndian(head) is 0 or 1 or >= 8;

    private static bool IsTransportStream(ReadOnlySpan<byte> head, int first, int packet)
    {
        // Two sync bytes one packet apart; three when the head holds three packets.
        if (head.Length < first + packet + 1 || head[first] != 0x47 || head[first + packet] != 0x47)
        {
            return false;
        }

        return head.Length < first + (2 * packet) + 1 || head[first + (2 * packet)] == 0x47;
    }

    private static bool StartsWith(ReadOnlySpan<byte> head, ReadOnlySpan<byte> signature) => head.StartsWith(signature);

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
