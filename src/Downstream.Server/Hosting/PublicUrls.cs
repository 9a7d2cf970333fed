using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Hosting;

/// <summary>
/// The base of media URLs: <c>DOWNSTREAM_PUBLIC_URL</c>, else the first listen URL (a wildcard
/// host is replaced by the host the client used).
/// </summary>
public sealed class PublicUrls(IOptions<DownstreamOptions> options, IServer server)
{
    public string Base(HttpRequest request)
    {
        if (options.Value.PublicUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var listen = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (listen is not null && Uri.TryCreate(listen.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            && uri.Host is not ("0.0.0.0" or "[::]" or "::"))
        {
            return uri.GetLeftPart(UriPartial.Authority);
        }

        return $"{request.Scheme}://{request.Host}";
    }

    public string Media(HttpRequest request, string videoUid, string fileName) => $"{Base(request)}/{videoUid}/downloads/{fileName}";
}
