using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Monitor.Core.Ports;

namespace Monitor.Server.Webhooks;

/// <summary>A webhook target the SSRF guard will not connect to.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);

/// <summary>
/// The SSRF guard of webhook targets (docs/api.md, Webhooks). A host is resolved once; if any of its addresses is loopback, private,
/// link-local, cloud metadata, carrier-grade NAT, IPv6 unique-local, unspecified, multicast or broadcast (directly or
/// embedded in an IPv4-mapped, IPv4-translated, IPv4-compatible, NAT64, 6to4 or Teredo IPv6 address), benchmarking,
/// documentation, IETF protocol or discard-only, it is refused. Sending connects to the addresses that were checked
/// (<see cref="ConnectAsync"/> is the HTTP handler's connect callback), so a name that resolves differently a moment
/// later (DNS rebinding) cannot redirect the request. With <c>Monitor:Webhooks:AllowPrivateNetworks</c> every address
/// is allowed but the cloud metadata ones, which hand out credentials. Data sources fetch through a guard of their own
/// with <c>Monitor:Sources:AllowPrivateNetworks</c> (<paramref name="setting"/> names the one refusals mention).
/// </summary>
public sealed class WebhookAddressGuard(bool allowPrivateNetworks, string setting = "Monitor:Webhooks:AllowPrivateNetworks")
{
    private static readonly IPAddress AwsMetadataIPv6 = IPAddress.Parse("fd00:ec2::254");
    private static readonly IPAddress MetadataIPv4 = IPAddress.Parse("169.254.169.254");

    /// <summary>Whether <paramref name="address"/> is a cloud metadata address (also written IPv4-mapped), refused always.</summary>
    public static bool IsMetadata(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return plain.Equals(MetadataIPv4) || plain.Equals(AwsMetadataIPv6);
    }

    /// <summary>Why <paramref name="address"/> is refused, or null if it is a public address.</summary>
    public static string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return RefusalV4(address.GetAddressBytes());
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return RefusalV4(address.MapToIPv4().GetAddressBytes()) is { } mapped ? $"{mapped}, IPv4-mapped" : null;
        }

        byte[] b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Any))
        {
            return "the unspecified address (::)";
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return "a loopback address (::1)";
        }

        if (address.Equals(AwsMetadataIPv6))
        {
            return "the cloud metadata address (fd00:ec2::254)";
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) is 0x80 or 0xc0)
        {
            return "a link-local or site-local address (fe80::/10, fec0::/10)";
        }

        if ((b[0] & 0xfe) == 0xfc)
        {
            return "a unique-local address (fc00::/7)";
        }

        if (b[0] == 0xff)
        {
            return "a multicast address (ff00::/8)";
        }

        if (b.AsSpan(0, 8).SequenceEqual(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 }))
        {
            return "a discard-only address (100::/64)";
        }

        // Addresses that carry an IPv4 address reach it: IPv4-compatible (::a.b.c.d, deprecated), IPv4-translated
        // (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002:aabb:ccdd::/48) and Teredo (2001:0::/32: the server's
        // address, and the client's with its bits inverted).
        bool compatible = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        bool translated = b.AsSpan(0, 12).SequenceEqual(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0 });
        bool nat64 = b.AsSpan(0, 12).SequenceEqual(new byte[] { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 });
        byte[][] embedded = (b[0], b[1], b[2], b[3]) switch
        {
            _ when compatible || translated || nat64 => [b[12..]],
            (0x20, 0x02, _, _) => [b[2..6]],
            (0x20, 0x01, 0, 0) => [b[4..8], [.. b[12..].Select(x => (byte)~x)]],
            _ => [],
        };
        return embedded.Select(RefusalV4).FirstOrDefault(r => r is not null) is { } inside ? $"{inside}, inside an IPv6 address" : null;
    }

    /// <summary>The addresses of <paramref name="host"/> (a name or an address literal), all allowed; throws
    /// <see cref="WebhookAddressRefusedException"/> if one is refused and <see cref="SocketException"/> if it does not resolve.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        string bare = host.TrimStart('[').TrimEnd(']');
        var addresses = IPAddress.TryParse(bare, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(bare, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        foreach (var address in addresses)
        {
            if (IsMetadata(address))
            {
                throw new WebhookAddressRefusedException($"{bare} resolves to {address}, a cloud metadata address: refused always");
            }

            if (!allowPrivateNetworks && Refusal(address) is { } reason)
            {
                throw new WebhookAddressRefusedException(
                    $"{bare} resolves to {address}, {reason}: refused ({setting} is false)");
            }
        }

        return addresses;
    }

    /// <summary>Why <paramref name="url"/> cannot be a webhook target, or null if it can.</summary>
    public async Task<string?> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        try
        {
            await ResolveAsync(url.Host, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (WebhookAddressRefusedException refused)
        {
            return refused.Message;
        }
        catch (SocketException unresolved)
        {
            return $"{url.Host} does not resolve ({unresolved.Message})";
        }
    }

    /// <summary><see cref="SocketsHttpHandler.ConnectCallback"/>: resolves and checks the host, then connects to one of the checked addresses.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string? RefusalV4(byte[] b) => b switch
    {
        [0, ..] => "an unspecified address (0.0.0.0/8)",
        [127, ..] => "a loopback address (127.0.0.0/8)",
        [10, ..] => "a private address (10.0.0.0/8)",
        [172, var second, ..] when (second & 0xf0) == 16 => "a private address (172.16.0.0/12)",
        [192, 168, ..] => "a private address (192.168.0.0/16)",
        [169, 254, 169, 254] => "the cloud metadata address (169.254.169.254)",
        [169, 254, ..] => "a link-local address (169.254.0.0/16)",
        [100, var second, ..] when (second & 0xc0) == 64 => "a carrier-grade NAT address (100.64.0.0/10)",
        [198, 18 or 19, ..] => "a benchmarking address (198.18.0.0/15)",
        [192, 0, 0, ..] => "an IETF protocol address (192.0.0.0/24)",
        [192, 0, 2, ..] or [198, 51, 100, ..] or [203, 0, 113, ..] => "a documentation address (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)",
        [255, 255, 255, 255] => "the broadcast address (255.255.255.255)",
        [>= 224 and < 240, ..] => "a multicast address (224.0.0.0/4)",
        [>= 240, ..] => "a reserved address (240.0.0.0/4)",
        _ => null,
    };
}
