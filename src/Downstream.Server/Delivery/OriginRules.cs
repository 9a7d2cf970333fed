using System.Text.Json;

namespace Downstream.Server.Delivery;

/// <summary>
/// A video's <c>allowedOrigins</c> applied to media requests made by browsers. A request that names the page it
/// comes from (<c>Origin</c>, else <c>Referer</c>) is served only when that page's host is on the list; entries are
/// host names, optionally with a port, and <c>*.example.com</c> matches any subdomain of example.com. An empty list
/// allows every origin, and a request naming no page (a download link opened directly, curl) is served as before.
/// </summary>
public static class OriginRules
{
    /// <summary>
    /// Names the caller's origin as allowed to read the answer (and <paramref name="exposeHeaders"/>); the access
    /// decision itself is made before, by <see cref="Allows(string, HttpRequest)"/>.
    /// </summary>
    public static void AllowCaller(HttpContext context, string? exposeHeaders = null)
    {
        if (context.Request.Headers.Origin.ToString() is { Length: > 0 } origin)
        {
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.Vary = "Origin";
            if (exposeHeaders is not null)
            {
                context.Response.Headers.AccessControlExposeHeaders = exposeHeaders;
            }
        }
    }

    /// <summary>The rule for the page a request names in its <c>Origin</c> or <c>Referer</c> header.</summary>
    public static bool Allows(string allowedOriginsJson, HttpRequest request) =>
        Allows(allowedOriginsJson, request.Headers.Origin.ToString(), request.Headers.Referer.ToString());

    public static bool Allows(string allowedOriginsJson, string? origin, string? referer)
    {
        if (allowedOriginsJson is "[]" or "")
        {
            return true;
        }

        var page = Uri.TryCreate(origin, UriKind.Absolute, out var o) ? o : Uri.TryCreate(referer, UriKind.Absolute, out var r) ? r : null;
        if (page is null)
        {
            // "null" origins (sandboxed frames, file: pages) name no host at all: they are not on any list.
            return string.IsNullOrEmpty(origin) && string.IsNullOrEmpty(referer);
        }

        var allowed = JsonSerializer.Deserialize(allowedOriginsJson, DeliveryJsonContext.Default.StringArray) ?? [];
        return allowed.Any(entry => Matches(entry.Trim().ToLowerInvariant(), page));
    }

    private static bool Matches(string entry, Uri page)
    {
        var host = page.IdnHost.ToLowerInvariant();
        var colon = entry.LastIndexOf(':');
        if (colon > 0 && int.TryParse(entry[(colon + 1)..], out var port))
        {
            if (page.Port != port)
            {
                return false;
            }

            entry = entry[..colon];
        }

        return entry.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(entry[1..], StringComparison.Ordinal) && host.Length > entry.Length - 1
            : host == entry;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class DeliveryJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
