using System.Net;
using Downstream.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Network;

/// <summary>A fetch the server refuses to make; its message is safe to show to the user.</summary>
public sealed class OutboundRefusedException(string message) : Exception(message);

/// <summary>
/// Decides where the server may connect when it fetches for a user (copy from URL, later webhooks): http
/// and https URLs whose host resolves to public addresses, unless <see cref="DownstreamOptions.AllowPrivateNetworks"/>.
/// The same check runs at the API, before connecting, and for every redirect.
/// </summary>
public sealed class OutboundPolicy(IHostResolver resolver, IOptions<DownstreamOptions> options, Func<IPAddress, bool>? isAllowed = null)
{
    private readonly Func<IPAddress, bool> _isAllowed = isAllowed ?? AddressRules.IsPublic;

    public bool AllowPrivateNetworks => options.Value.AllowPrivateNetworks;

    /// <summary>Throws <see cref="OutboundRefusedException"/> for a URL the server must not fetch.</summary>
    public static void CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            throw new OutboundRefusedException("Only http and https URLs can be fetched.");
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            throw new OutboundRefusedException("URLs with a user name or password are not fetched.");
        }
    }

    /// <summary>
    /// The check made when a fetch is asked for: the URL's form, and its host's addresses when they can be
    /// known now. A name that does not resolve yet is left to the fetch, which checks again anyway.
    /// </summary>
    public async Task CheckBeforeFetchAsync(Uri url, CancellationToken cancellationToken)
    {
        CheckUrl(url);
        if (await TryResolveAsync(url.IdnHost, cancellationToken) is { Length: > 0 } addresses)
        {
            Allowed(addresses);
        }
    }

    /// <summary>The addresses of <paramref name="host"/> the server may connect to; refused when there are none.</summary>
    public async Task<IPAddress[]> ResolveAllowedAsync(string host, CancellationToken cancellationToken) =>
        await TryResolveAsync(host, cancellationToken) is { Length: > 0 } addresses
            ? Allowed(addresses)
            : throw new OutboundRefusedException("The origin's host name could not be resolved.");

    /// <summary>The host's addresses; none when it does not resolve.</summary>
    private async Task<IPAddress[]> TryResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await resolver.ResolveAsync(host, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return [];
        }
    }

    private IPAddress[] Allowed(IPAddress[] addresses)
    {
        var allowed = AllowPrivateNetworks ? addresses : [.. addresses.Where(_isAllowed)];
        return allowed.Length > 0
            ? allowed
            : throw new OutboundRefusedException(
                "The origin is not on the public internet: loopback, private, link-local and other internal addresses are not fetched.");
    }
}
