using System.Text.Json;
using System.Text.Json.Serialization;
using Downstream.Server.Api;
using Downstream.Server.Downloads;
using Downstream.Server.Hosting;
using Downstream.Server.Videos;

namespace Downstream.Server.Webhooks;

/// <summary>The body of a download event: the video, the download's type, and its entry as GET .../downloads shows it.</summary>
public sealed record DownloadEventDto(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("downloadType")] string DownloadType,
    [property: JsonPropertyName("download")] DownloadDto Download);

/// <summary>What webhook deliveries carry: the video exactly as <c>GET .../stream/{id}</c> returns it, or a download event.</summary>
public sealed class WebhookPayloads(PublicUrls urls)
{
    public const string VideoReady = "video.ready";
    public const string VideoError = "video.error";
    public const string DownloadReady = "download.ready";
    public const string DownloadError = "download.error";

    public string Video(Video video) => JsonSerializer.Serialize(VideoDto.From(video, urls.Base()), ApiJsonContext.Default.VideoDto);

    public string Download(string videoUid, Download download)
    {
        var type = DownloadType.Find(download.Type) ?? DownloadType.Default;
        var entry = DownloadDto.From(download, urls.Media(videoUid, type.FileName));
        return JsonSerializer.Serialize(new DownloadEventDto(videoUid, type.Name, entry), ApiJsonContext.Default.DownloadEventDto);
    }
}
