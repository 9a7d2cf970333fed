using System.Net;
using System.Net.Sockets;

namespace Downstream.Server.Network;

/// <summary>
/// The connect step of outbound HTTP: it resolves the host itself, keeps only the addresses the policy
/// allows, and connects to one of those. The address checked is the address connected to, so a name that
/// resolves differently between a check and the connection (DNS rebinding) cannot slip through.
/// </summary>
public static class GuardedConnector
{
    public static SocketsHttpHandler CreateHandler(OutboundPolicy policy, TimeSpan connectTimeout) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        AutomaticDecompression = DecompressionMethods.None,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
    };

    public static async ValueTask<Stream> ConnectAsync(OutboundPolicy policy, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var addresses = await policy.ResolveAllowedAsync(endpoint.Host, cancellationToken);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
