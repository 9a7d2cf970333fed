using Downstream.Server.Api;

namespace Downstream.Server.Downloads;

/// <summary>The two download types and the file each one becomes.</summary>
public sealed record DownloadType(string Name, string FileName, string ContentType)
{
    public static readonly DownloadType Default = new("default", "default.mp4", "video/mp4");
    public static readonly DownloadType Audio = new("audio", "audio.m4a", "audio/mp4");

    public static readonly IReadOnlyList<DownloadType> All = [Default, Audio];

    public string Extension => Path.GetExtension(FileName);

    public static DownloadType? Find(string? name) => All.FirstOrDefault(t => t.Name == name);

    public static DownloadType Require(string? name) =>
        Find(name) ?? throw ApiErrors.InvalidParameter("download_type", name, "must be 'default' or 'audio'");

    public static string BlobKey(string videoUid, DownloadType type) => $"videos/{videoUid}/downloads/{type.FileName}";
}
