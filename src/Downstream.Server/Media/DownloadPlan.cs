using Downstream.Server.Downloads;

namespace Downstream.Server.Media;

/// <summary>How one download is made from its source: which tracks, copied or encoded, at what size.</summary>
public sealed record DownloadPlan
{
    public required bool IncludeVideo { get; init; }

    public required bool CopyVideo { get; init; }

    /// <summary>The encoded size when the video is encoded and must change size; null keeps the source size.</summary>
    public (int Width, int Height)? Scale { get; init; }

    public required bool IncludeAudio { get; init; }

    public required bool CopyAudio { get; init; }

    public bool IsRemux => (!IncludeVideo || CopyVideo) && (!IncludeAudio || CopyAudio);
}

public static class DownloadPlanner
{
    private static readonly HashSet<string> Plain420 = new(StringComparer.Ordinal) { "yuv420p", "yuvj420p" };

    /// <summary>The plan, or null with a reason when the source cannot give this download.</summary>
    public static DownloadPlan? Plan(MediaInfo media, DownloadType type, int maxHeight, out string? reason)
    {
        reason = null;
        var audioCopyable = media.AudioCodec == "aac";
        if (type == DownloadType.Audio)
        {
            if (!media.HasAudio)
            {
                reason = "The video has no audio track, so it has no audio download.";
                return null;
            }

            return new DownloadPlan { IncludeVideo = false, CopyVideo = false, IncludeAudio = true, CopyAudio = audioCopyable };
        }

        if (!media.HasVideo)
        {
            // An audio-only source still gives an MP4: its audio.
            return new DownloadPlan { IncludeVideo = false, CopyVideo = false, IncludeAudio = true, CopyAudio = audioCopyable };
        }

        var target = TargetSize(media.Width, media.Height, maxHeight);
        var sameSize = target == (media.Width, media.Height);
        var videoCopyable = media.VideoCodec == "h264" && media.PixelFormat is not null && Plain420.Contains(media.PixelFormat) && sameSize;
        return new DownloadPlan
        {
            IncludeVideo = true,
            CopyVideo = videoCopyable,
            Scale = videoCopyable || sameSize ? null : target,
            IncludeAudio = media.HasAudio,
            CopyAudio = audioCopyable,
        };
    }

    /// <summary>Caps the height without upscaling, keeps the aspect ratio, and makes both sides even.</summary>
    public static (int Width, int Height) TargetSize(int width, int height, int maxHeight)
    {
        if (width <= 0 || height <= 0)
        {
            return (width, height);
        }

        if (height <= maxHeight)
        {
            return (Even(width), Even(height));
        }

        var targetHeight = Even(maxHeight);
        var targetWidth = (int)Math.Round(width * (double)targetHeight / height / 2, MidpointRounding.AwayFromZero) * 2;
        return (Math.Max(2, targetWidth), targetHeight);
    }

    private static int Even(int value) => Math.Max(2, value - (value % 2));
}
