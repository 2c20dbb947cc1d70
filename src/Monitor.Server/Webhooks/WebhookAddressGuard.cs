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
/// embedded in an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address), it is refused. Sending connects to the
/// addresses that were checked (<see cref="ConnectAsync"/> is the HTTP handler's connect callback), so a name that
/// resolves differently a moment later (DNS rebinding) cannot redirect the request. With
/// <c>Monitor:Webhooks:AllowPrivateNetworks</c> every address is allowed.
/// </summary>
public sealed class WebhookAddressGuard(bool allowPrivateNetworks)
{
    private static readonly IPAddress AwsMetadataIPv6 = IPAddress.Parse("fd00:ec2::254");

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

        // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96) addresses reach the IPv4 address inside.
        bool compatible = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        bool nat64 = b.AsSpan(0, 12).SequenceEqual(new byte[] { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 });
        return (compatible || nat64) && RefusalV4(b[12..]) is { } embedded ? $"{embedded}, inside an IPv6 address" : null;
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

        if (!allowPrivateNetworks)
        {
            foreach (var address in addresses)
            {
                if (Refusal(address) is { } reason)
                {
                    throw new WebhookAddressRefusedException(
                        $"{bare} resolves to {address}, {reason}: refused (Monitor:Webhooks:AllowPrivateNetworks is false)");
                }
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
        [255, 255, 255, 255] => "the broadcast address (255.255.255.255)",
        [>= 224 and < 240, ..] => "a multicast address (224.0.0.0/4)",
        [>= 240, ..] => "a reserved address (240.0.0.0/4)",
        _ => null,
    };
}
