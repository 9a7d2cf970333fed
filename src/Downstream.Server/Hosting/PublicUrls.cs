using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Hosting;

/// <summary>
/// The base of media URLs: <c>DOWNSTREAM_PUBLIC_URL</c>; else, behind a trusted proxy, the scheme and host it
/// forwarded; else the first listen URL, a wildcard host replaced by the address the client connected to.
/// Never the request's own <c>Host</c> header, which any client can set.
/// </summary>
public sealed class PublicUrls(IOptions<DownstreamOptions> options, IServer server)
{
    public string Base(HttpRequest request)
    {
        if (options.Value.PublicUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        if (ForwardedByTrustedProxy(request))
        {
            return $"{request.Scheme}://{request.Host}";
        }

        var listen = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (listen is not null && Uri.TryCreate(listen.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            && uri.Host is not ("0.0.0.0" or "[::]" or "::"))
        {
            return uri.GetLeftPart(UriPartial.Authority);
        }

        var local = request.HttpContext.Connection.LocalIpAddress ?? System.Net.IPAddress.Loopback;
        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        var host = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{local}]" : local.ToString();
        return $"{request.Scheme}://{host}:{request.HttpContext.Connection.LocalPort}";
    }

    private static bool ForwardedByTrustedProxy(HttpRequest request) =>
        request.HttpContext.Items.ContainsKey(TrustedProxies.FromTrustedProxy) && request.Headers.ContainsKey("X-Original-Host");

    public string Media(HttpRequest request, string videoUid, string fileName) => $"{Base(request)}/{videoUid}/downloads/{fileName}";

    /// <summary>A media URL made outside a request (see <see cref="Base()"/>).</summary>
    public string Media(string videoUid, string fileName) => $"{Base()}/{videoUid}/downloads/{fileName}";

    /// <summary>
    /// The base for URLs made outside a request (webhook payloads, made by workers): <c>DOWNSTREAM_PUBLIC_URL</c>,
    /// else this node's first listen URL with a wildcard host read as 127.0.0.1. Set the public URL when events leave the machine.
    /// </summary>
    public string Base()
    {
        if (options.Value.PublicUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var listen = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:8080";
        return Uri.TryCreate(listen.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Authority)
            : "http://127.0.0.1:8080";
    }
}
