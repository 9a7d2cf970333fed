namespace Downstream.Server.Media;

/// <summary>What ffprobe found in a source file, reduced to what the download plans need.</summary>
public sealed record MediaInfo
{
    public required double Duration { get; init; }

    public required string FormatName { get; init; }

    public string? VideoCodec { get; init; }

    public string? PixelFormat { get; init; }

    public int Width { get; init; }

    public int Height { get; init; }

    public string? AudioCodec { get; init; }

    public bool HasVideo => VideoCodec is not null;

    public bool HasAudio => AudioCodec is not null;
}
