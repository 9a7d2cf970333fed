namespace Downstream.Server.Videos;

/// <summary>Blob keys of a video's files.</summary>
public static class VideoKeys
{
    public static string Prefix(string uid) => $"videos/{uid}/";

    public static string Source(string uid) => $"videos/{uid}/source";
}
