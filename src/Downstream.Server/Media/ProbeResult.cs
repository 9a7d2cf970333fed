namespace Downstream.Server.Media;

/// <summary>What ingest decided about a file: usable media, or the error the video shows.</summary>
public sealed record ProbeResult(MediaInfo? Media, string? ErrorReasonCode, string? ErrorReasonText)
{
    public static ProbeResult Usable(MediaInfo media) => new(media, null, null);

    public static ProbeResult Rejected(string code, string text) => new(null, code, text);
}

/// <summary>The <c>errorReasonCode</c> values Cloudflare documents that Downstream can produce.</summary>
public static class ErrorReasons
{
    public const string NonVideo = "ERR_NON_VIDEO";
    public const string DurationExceedConstraint = "ERR_DURATION_EXCEED_CONSTRAINT";
    public const string FetchOriginError = "ERR_FETCH_ORIGIN_ERROR";
    public const string MalformedVideo = "ERR_MALFORMED_VIDEO";
    public const string Unknown = "ERR_UNKNOWN";
}
