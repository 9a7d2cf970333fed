using System.Net;

namespace Downstream.Server.Network;

/// <summary>Turns a host name into addresses. Replaceable so tests decide what a name resolves to, with no lookup on the wire.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver; an address literal is returned as it is.</summary>
public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? Task.FromResult<IPAddress[]>([literal]) : Dns.GetHostAddressesAsync(host, cancellationToken);
}
