using System.Text.Json;
using System.Text.Json.Serialization;

namespace Downstream.Client.Models;

/// <summary>The state of a download: <c>ready</c>, <c>inprogress</c> or <c>error</c>; other values pass through.</summary>
[JsonConverter(typeof(StringValueConverter<DownloadStatus>))]
public readonly record struct DownloadStatus(string Value) : IStringValue<DownloadStatus>
{
    public static readonly DownloadStatus Ready = new("ready");
    public static readonly DownloadStatus InProgress = new("inprogress");
    public static readonly DownloadStatus Error = new("error");

    public static DownloadStatus From(string value) => new(value);

    public override string ToString() => Value;
}

/// <summary>A download type: <c>default</c> (MP4) or <c>audio</c> (M4A).</summary>
[JsonConverter(typeof(StringValueConverter<DownloadType>))]
public readonly record struct DownloadType(string Value) : IStringValue<DownloadType>
{
    public static readonly DownloadType Default = new("default");
    public static readonly DownloadType Audio = new("audio");

    public static DownloadType From(string value) => new(value);

    public override string ToString() => Value;
}

/// <summary>One download of a video.</summary>
public sealed record Download
{
    [JsonPropertyName("status")]
    public DownloadStatus Status { get; init; }

    /// <summary>0 to 100; 100 once the file is ready.</summary>
    [JsonPropertyName("percentComplete")]
    public double PercentComplete { get; init; }

    /// <summary>Where the file is served once it is ready.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    // Downstream's additions (absent from Cloudflare's answers): each is null when not known.

    /// <summary>The file's size in bytes, once ready.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>Hex SHA-256 of the file, once ready: compare it with what you fetched.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; init; }

    /// <summary><c>remux</c> (streams copied) or <c>transcode</c>.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>Seconds left, while in progress.</summary>
    [JsonPropertyName("etaSeconds")]
    public double? EtaSeconds { get; init; }

    /// <summary>Why it failed: a code such as <c>ERR_NO_AUDIO</c>, <c>ERR_DISK_FULL</c> or <c>ERR_FFMPEG</c>.</summary>
    [JsonPropertyName("errorReasonCode")]
    public string? ErrorReasonCode { get; init; }

    /// <summary>Why it failed, in words.</summary>
    [JsonPropertyName("errorReasonText")]
    public string? ErrorReasonText { get; init; }

    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("readyAt")]
    public DateTimeOffset? ReadyAt { get; init; }
}

/// <summary>The downloads of a video, keyed by type; a type is present only once created.</summary>
public sealed record DownloadGetResponse
{
    [JsonPropertyName("default")]
    public Download? Default { get; init; }

    [JsonPropertyName("audio")]
    public Download? Audio { get; init; }

    /// <summary>Types this client does not know yet.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }

    /// <summary>The download of <paramref name="type"/>, or null when it was not created.</summary>
    public Download? this[DownloadType type] =>
        type == DownloadType.Default ? Default
        : type == DownloadType.Audio ? Audio
        : Other is not null && Other.TryGetValue(type.Value, out var raw) ? raw.Deserialize(Core.ClientJsonContext.Default.Download)
        : null;
}
