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
