using Downstream.Server.Downloads;
using Microsoft.Net.Http.Headers;

namespace Downstream.Server.Delivery;

/// <summary>
/// The answer for an nginx edge (<c>DOWNSTREAM_ACCEL_REDIRECT</c>, <c>deploy/nginx/downstream.conf</c>): once every
/// check has passed, an empty 200 naming the file in <c>X-Accel-Redirect</c>, which nginx sends from the media
/// folder with sendfile, Range and HEAD. The type, <c>Content-Disposition</c> and ETag are ours; a matching
/// <c>If-None-Match</c> is answered 304 here, as nginx's own ETags are off for these files.
/// </summary>
public static class AccelRedirect
{
    public const string Header = "X-Accel-Redirect";

    public static IResult Answer(HttpContext context, string prefix, string key, DownloadType type, Download download, string? downloadName)
    {
        var response = context.Response;
        var etag = new EntityTagHeaderValue($"\"{download.JobId}\"");
        response.Headers.ETag = etag.ToString();
        var asked = context.Request.GetTypedHeaders().IfNoneMatch;
        if (asked.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        // Keys are server-made (videos/{uid}/downloads/{file}): nothing in them needs escaping.
        response.Headers[Header] = prefix + key;
        response.ContentType = type.ContentType;
        if (downloadName is not null)
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(downloadName + type.Extension);
            response.Headers.ContentDisposition = disposition.ToString();
        }

        return TypedResults.Ok();
    }
}
