namespace Downstream.Server.Media;

/// <summary>
/// The containers Downstream reads, and the input arguments that hold ffprobe and ffmpeg to them.
/// Every demuxer here reads only the file it is given: playlist, list and sequence demuxers (hls,
/// dash, concat, image2, sdp, ...) open other files or URLs named inside the input, so they are left
/// out, and with them raw elementary streams and text formats that no camera or phone writes.
/// </summary>
public static class MediaContainers
{
    /// <summary>Demuxer names as ffmpeg knows them; <c>mov</c> covers MP4, M4A, 3GP and MOV, <c>matroska</c> WebM too.</summary>
    public static readonly IReadOnlyList<string> Demuxers =
    [
        "mov", "matroska", "mpegts", "mpeg", "avi", "flv", "asf", "mxf", "dv",
        "ogg", "wav", "w64", "aiff", "caf", "mp3", "aac", "flac", "amr",
    ];

    /// <summary>The value of <c>-format_whitelist</c>.</summary>
    public static readonly string Whitelist = string.Join(',', Demuxers);

    /// <summary>True when ffprobe's <c>format_name</c> (a comma-separated alias list) names an allowed demuxer.</summary>
    public static bool IsAllowed(string formatName) => DemuxerOf(formatName) is not null;

    /// <summary>The allowed demuxer that <paramref name="formatName"/> names, for <c>-f</c>; null when none.</summary>
    public static string? DemuxerOf(string? formatName) =>
        formatName?.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(name => Demuxers.Contains(name));

    /// <summary>
    /// The arguments that open <paramref name="path"/> as the one input: the file protocol only, the
    /// allowed demuxers only, and the probed demuxer forced when it is known so ffmpeg cannot guess another.
    /// </summary>
    public static IReadOnlyList<string> InputArguments(string path, string? formatName)
    {
        var args = new List<string> { "-protocol_whitelist", "file", "-format_whitelist", Whitelist };
        if (DemuxerOf(formatName) is { } demuxer)
        {
            args.AddRange(["-f", demuxer]);
        }

        args.AddRange(["-i", FileUrl(path)]);
        return args;
    }

    /// <summary>A path as a <c>file:</c> URL, so that a colon in it is never read as a protocol name.</summary>
    public static string FileUrl(string path) => "file:" + path;
}
