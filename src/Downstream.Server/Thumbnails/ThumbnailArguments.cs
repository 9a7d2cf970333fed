using System.Globalization;
using Downstream.Server.Media;

namespace Downstream.Server.Thumbnails;

/// <summary>ffmpeg's argument list for one JPEG frame, as plain data (see <see cref="FfmpegArguments"/>).</summary>
public static class ThumbnailArguments
{
    /// <summary>With neither side asked for, thumbnails fit this box, as the source's own size could be 8K.</summary>
    public const int DefaultBox = 1280;

    public static IReadOnlyList<string> For(string input, string? formatName, double second, ThumbnailRequest request, string output)
    {
        var args = new List<string>
        {
            "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            // Before the input: a fast seek to the nearest keyframe, then decoding up to the exact time.
            "-ss", second.ToString("0.###", CultureInfo.InvariantCulture),
        };
        args.AddRange(MediaContainers.InputArguments(input, formatName));
        args.AddRange(["-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn", "-vf", Filter(request), "-q:v", "3", "-c:v", "mjpeg", "-f", "image2", MediaContainers.FileUrl(output)]);
        return args;
    }

    /// <summary>The scale (and crop or pad) filter for the asked size and fit.</summary>
    public static string Filter(ThumbnailRequest request)
    {
        var tail = (request.Width, request.Height, request.Fit) switch
        {
            (null, null, _) => $"scale=w='min({DefaultBox},iw)':h='min({DefaultBox},ih)':force_original_aspect_ratio=decrease",
            ({ } w, null, _) => $"scale={w}:-2",
            (null, { } h, _) => $"scale=-2:{h}",
            ({ } w, { } h, "clip") => $"scale=w='min({w},iw)':h='min({h},ih)':force_original_aspect_ratio=decrease",
            ({ } w, { } h, "scale") => $"scale={w}:{h}:force_original_aspect_ratio=decrease",
            ({ } w, { } h, "fill") => $"scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:black",
            ({ } w, { } h, _) => $"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}",
        };
        // mjpeg wants full-range 4:2:0; every filter above keeps sizes of at least one pixel.
        return string.Create(CultureInfo.InvariantCulture, $"{tail},setsar=1,format=yuvj420p");
    }
}
