using System.Net;
using System.Net.Sockets;

namespace Downstream.Server.Network;

/// <summary>
/// Which addresses the server may fetch from: only globally routable unicast ones. Everything that
/// reaches this machine or a private network is refused: loopback, RFC 1918, CGNAT, link-local (cloud
/// metadata at 169.254.169.254 included), ULA, multicast, unspecified, broadcast, documentation and
/// benchmark ranges, and IPv6 forms that carry such an IPv4 address (mapped, compatible, NAT64, 6to4).
/// </summary>
public static class AddressRules
{
    private static readonly (IPAddress Network, int Prefix)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),        // "this network", 0.0.0.0
        (IPAddress.Parse("10.0.0.0"), 8),       // private
        (IPAddress.Parse("100.64.0.0"), 10),    // carrier-grade NAT
        (IPAddress.Parse("127.0.0.0"), 8),      // loopback
        (IPAddress.Parse("169.254.0.0"), 16),   // link-local, cloud metadata
        (IPAddress.Parse("172.16.0.0"), 12),    // private
        (IPAddress.Parse("192.0.0.0"), 24),     // IETF protocol assignments
        (IPAddress.Parse("192.0.2.0"), 24),     // documentation
        (IPAddress.Parse("192.88.99.0"), 24),   // 6to4 relay anycast
        (IPAddress.Parse("192.168.0.0"), 16),   // private
        (IPAddress.Parse("198.18.0.0"), 15),    // benchmarking
        (IPAddress.Parse("198.51.100.0"), 24),  // documentation
        (IPAddress.Parse("203.0.113.0"), 24),   // documentation
        (IPAddress.Parse("224.0.0.0"), 4),      // multicast
        (IPAddress.Parse("240.0.0.0"), 4),      // reserved, broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] BlockedV6 =
    [
        (IPAddress.Parse("::"), 128),           // unspecified
        (IPAddress.Parse("::1"), 128),          // loopback
        (IPAddress.Parse("100::"), 64),         // discard
        (IPAddress.Parse("2001::"), 23),        // IETF protocol assignments (Teredo and others)
        (IPAddress.Parse("2001:db8::"), 32),    // documentation
        (IPAddress.Parse("fc00::"), 7),         // unique local
        (IPAddress.Parse("fe80::"), 10),        // link-local
        (IPAddress.Parse("fec0::"), 10),        // site-local (deprecated)
        (IPAddress.Parse("ff00::"), 8),         // multicast
    ];

    /// <summary>True only for an address on the public internet.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !BlockedV4.Any(b => InPrefix(address, b.Network, b.Prefix));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (EmbeddedV4(address) is { } v4)
        {
            return IsPublic(v4);
        }

        // Only global unicast (2000::/3) is routable on the internet.
        var first = address.GetAddressBytes()[0];
        return (first & 0xE0) == 0x20 && !BlockedV6.Any(b => InPrefix(address, b.Network, b.Prefix));
    }

    /// <summary>The IPv4 address an IPv6 form carries: mapped, compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16).</summary>
    private static IPAddress? EmbeddedV4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
        {
            return new IPAddress(bytes.AsSpan(12, 4)); // IPv4-compatible, ::a.b.c.d
        }

        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return bytes[0] == 0x20 && bytes[1] == 0x02 ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }

    private static bool InPrefix(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var whole = prefix / 8;
        if (!a.AsSpan(0, whole).SequenceEqual(n.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (n[whole] & mask);
    }
}
