using System.Globalization;
using System.Text.Json.Serialization;

namespace Downstream.Server.Downloads;

/// <summary>
/// One entry of the downloads map: Cloudflare's <c>{status, percentComplete, url}</c>, exactly, then Downstream's
/// additions, each present only when it has a value (the official SDKs pass unknown fields through).
/// </summary>
public sealed record DownloadDto(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("percentComplete")] double PercentComplete,
    [property: JsonPropertyName("url")] string Url)
{
    [JsonPropertyName("size")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Size { get; init; }

    [JsonPropertyName("sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256 { get; init; }

    [JsonPropertyName("mode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mode { get; init; }

    [JsonPropertyName("etaSeconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EtaSeconds { get; init; }

    [JsonPropertyName("errorReasonCode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ErrorReasonCode { get; init; }

    [JsonPropertyName("errorReasonText")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ErrorReasonText { get; init; }

    [JsonPropertyName("created")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Created { get; init; }

    [JsonPropertyName("readyAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReadyAt { get; init; }

    public static DownloadDto From(Download download, string url)
    {
        var ready = download.Status == DownloadStatuses.Ready;
        var failed = download.Status == DownloadStatuses.Error;
        return new DownloadDto(download.Status, Math.Round(download.PercentComplete, 1), url)
        {
            Size = ready ? download.Size : null,
            Sha256 = ready ? download.Sha256 : null,
            Mode = download.Mode,
            EtaSeconds = download.Status == DownloadStatuses.InProgress && download.EtaSeconds is { } eta ? Math.Round(eta, 1) : null,
            ErrorReasonCode = failed ? download.ErrorCode ?? DownloadErrors.Ffmpeg : null,
            ErrorReasonText = failed ? download.ErrorText ?? "The download failed." : null,
            Created = Time(download.Created),
            ReadyAt = ready && download.ReadyAt is { } at ? Time(at) : null,
        };
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
