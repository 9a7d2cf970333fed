using System.Globalization;
using System.Text.Json;

namespace Downstream.Server.Media;

/// <summary>
/// Decides from ffprobe's JSON whether a file is video or audio Downstream can work with.
/// Pure, so every rule is a unit test away.
/// </summary>
public static class ProbeParser
{
    private static readonly HashSet<string> StillImageCodecs = new(StringComparer.Ordinal)
    {
        "png", "mjpeg", "bmp", "webp", "tiff", "ansi", "jpeg2000", "jpegls", "pgm", "ppm", "pbm", "pam", "qoi", "sgi", "targa",
    };

    public static ProbeResult Parse(string json, int maxDurationSeconds = -1)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return NotMedia("The file could not be read as video or audio.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("format", out var format) || !root.TryGetProperty("streams", out var streams)
                || streams.ValueKind != JsonValueKind.Array)
            {
                return NotMedia("The file could not be read as video or audio.");
            }

            var formatName = String(format, "format_name") ?? "";
            // ffprobe was already held to these demuxers; checking again keeps the rule in one pure place.
            if (!MediaContainers.IsAllowed(formatName))
            {
                return NotMedia($"The file is not a video or audio file Downstream accepts (detected format '{formatName}').");
            }

            JsonElement? video = null;
            JsonElement? audio = null;
            foreach (var stream in streams.EnumerateArray())
            {
                var type = String(stream, "codec_type");
                if (type == "video" && video is null && !IsAttachedPicture(stream) && !StillImageCodecs.Contains(String(stream, "codec_name") ?? ""))
                {
                    video = stream;
                }
                else if (type == "audio" && audio is null && String(stream, "codec_name") is not null)
                {
                    audio = stream;
                }
            }

            if (video is null && audio is null)
            {
                return NotMedia("The file has no video or audio track.");
            }

            var duration = Number(format, "duration")
                ?? Math.Max(video is { } v ? Number(v, "duration") ?? 0 : 0, audio is { } a ? Number(a, "duration") ?? 0 : 0);
            if (duration <= 0)
            {
                return NotMedia("The file has no playable duration; it may be a still image or cut short.");
            }

            if (maxDurationSeconds > 0 && duration > maxDurationSeconds)
            {
                return ProbeResult.Rejected(
                    ErrorReasons.DurationExceedConstraint,
                    $"The video is {duration:0.###} s long, over its maxDurationSeconds of {maxDurationSeconds} s.");
            }

            var (width, height) = video is { } vs ? DisplaySize(vs) : (0, 0);
            return ProbeResult.Usable(new MediaInfo
            {
                Duration = duration,
                FormatName = formatName,
                VideoCodec = video is { } vc ? String(vc, "codec_name") : null,
                PixelFormat = video is { } vp ? String(vp, "pix_fmt") : null,
                Width = width,
                Height = height,
                AudioCodec = audio is { } ac ? String(ac, "codec_name") : null,
            });
        }
    }

    private static ProbeResult NotMedia(string text) => ProbeResult.Rejected(ErrorReasons.NonVideo, text);

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition)
        && disposition.TryGetProperty("attached_pic", out var attached)
        && attached.ValueKind == JsonValueKind.Number && attached.GetInt32() == 1;

    /// <summary>Width and height as shown, which swaps the coded size for a 90° or 270° rotation.</summary>
    private static (int Width, int Height) DisplaySize(JsonElement stream)
    {
        var width = (int)(Number(stream, "width") ?? 0);
        var height = (int)(Number(stream, "height") ?? 0);
        var rotation = 0.0;
        if (stream.TryGetProperty("side_data_list", out var sideData) && sideData.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in sideData.EnumerateArray())
            {
                rotation = Number(item, "rotation") ?? rotation;
            }
        }

        if (stream.TryGetProperty("tags", out var tags) && Number(tags, "rotate") is { } rotate)
        {
            rotation = rotate;
        }

        var quarterTurns = (int)Math.Round(Math.Abs(rotation) / 90) % 4;
        return quarterTurns % 2 == 1 ? (height, width) : (width, height);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                && double.IsFinite(parsed) => parsed,
            _ => null,
        };
    }
}
