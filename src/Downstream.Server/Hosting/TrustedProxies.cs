using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Hosting;

/// <summary>
/// <c>X-Forwarded-For/Proto/Host</c> are honoured only from the proxies named in <c>DOWNSTREAM_TRUSTED_PROXIES</c>
/// (addresses or CIDR ranges); from anyone else they are ignored, so a client cannot choose the host that media
/// URLs are built on.
/// </summary>
public static class TrustedProxies
{
    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app)
    {
        var networks = Parse(app.Services.GetRequiredService<IOptions<DownstreamOptions>>().Value.TrustedProxies);
        if (networks.Count == 0)
        {
            return app;
        }

        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            ForwardLimit = 1,
        };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var network in networks)
        {
            forwarded.KnownIPNetworks.Add(network);
        }

        // Marked before the headers are applied, while the peer's own address is still the one seen.
        app.Use((context, next) =>
        {
            if (context.Connection.RemoteIpAddress is { } peer && networks.Any(n => n.Contains(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer)))
            {
                context.Items[FromTrustedProxy] = true;
            }

            return next(context);
        });
        app.UseForwardedHeaders(forwarded);
        return app;
    }

    /// <summary>The <c>HttpContext.Items</c> key set on requests that came from a trusted proxy.</summary>
    public const string FromTrustedProxy = "downstream.trusted-proxy";

    /// <summary>The networks of a comma-separated list; a bare address is a network of one.</summary>
    public static IReadOnlyList<System.Net.IPNetwork> Parse(string? list)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var item in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(item, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                networks.Add(new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                throw new OptionsValidationException(DownstreamOptions.SectionName, typeof(DownstreamOptions),
                    [$"DOWNSTREAM_TRUSTED_PROXIES: '{item}' is neither an IP address nor a CIDR range."]);
            }
        }

        return networks;
    }
}
