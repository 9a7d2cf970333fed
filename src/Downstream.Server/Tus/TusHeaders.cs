using System.Globalization;
using Downstream.Server.Api;

namespace Downstream.Server.Tus;

/// <summary>The tus 1.0.0 headers and the values Downstream announces.</summary>
public static class TusHeaders
{
    public const string Resumable = "Tus-Resumable";
    public const string Version = "Tus-Version";
    public const string Extension = "Tus-Extension";
    public const string MaxSize = "Tus-Max-Size";
    public const string UploadLength = "Upload-Length";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadExpires = "Upload-Expires";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string MethodOverride = "X-HTTP-Method-Override";
    public const string MediaId = "stream-media-id";
    public const string OffsetContentType = "application/offset+octet-stream";

    public const string SupportedVersion = "1.0.0";
    public const string Extensions = "creation,expiration,termination";

    /// <summary>What a browser page may read of tus answers.</summary>
    public const string Exposed = "Location, Stream-Media-ID, Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size";

    /// <summary>What a browser page may send with tus requests.</summary>
    public const string Allowed = "Tus-Resumable, Upload-Length, Upload-Offset, Upload-Metadata, Upload-Creator, Upload-Defer-Length, Upload-Concat, Content-Type, X-HTTP-Method-Override, X-Requested-With, X-Request-ID";

    public static bool IsTus(HttpRequest request) => request.Headers.ContainsKey(Resumable);

    /// <summary>A non-negative whole number of bytes from <paramref name="name"/>; null when absent, 400 when malformed.</summary>
    public static long? ReadLength(IHeaderDictionary headers, string name)
    {
        var text = headers[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiErrors.BadRequest($"{name} must be a whole number of bytes, not '{ApiErrors.Shorten(text)}'.");
    }

    /// <summary>RFC 9110 date, as <c>Upload-Expires</c> wants it.</summary>
    public static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
}
