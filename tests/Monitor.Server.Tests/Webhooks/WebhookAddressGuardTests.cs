using System.Net;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Tests.Webhooks;

public sealed class WebhookAddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.200.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.168.1.10", "private")]
    [InlineData("169.254.10.20", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("169.254.169.254", "metadata")]
    [InlineData("fd00:ec2::254", "metadata")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.254", "carrier-grade NAT")]
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd12:3456::1", "unique-local")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "metadata")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.254", "benchmarking")]
    [InlineData("192.0.0.8", "IETF protocol")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("100::1", "discard-only")]
    [InlineData("::ffff:0:7f00:1", "loopback")]
    [InlineData("2002:7f00:1::1", "loopback")]
    [InlineData("2002:a9fe:a9fe::1", "metadata")]
    [InlineData("2001:0:a00:1::1", "private")]
    [InlineData("2001:0:808:808::80ff:fffe", "loopback")]
    public void Refusal_InternalAddress_RefusedSayingWhy(string address, string why)
    {
        Assert.Contains(why, WebhookAddressGuard.Refusal(IPAddress.Parse(address)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("198.20.0.1")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:0:808:808::f7f7:f7f7")]
    public void Refusal_PublicAddress_Allowed(string address)
    {
        Assert.Null(WebhookAddressGuard.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("http://localhost/hook")]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[::ffff:192.168.0.1]/")]
    public async Task Check_GuardOn_RefusesAndGuardOff_Allows(string url)
    {
        var uri = new Uri(url);

        Assert.Contains("refused", await new WebhookAddressGuard(allowPrivateNetworks: false).CheckAsync(uri, default), StringComparison.Ordinal);
        Assert.Null(await new WebhookAddressGuard(allowPrivateNetworks: true).CheckAsync(uri, default));
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    public async Task Check_MetadataAddress_RefusedEvenWithPrivateNetworksAllowed(string url)
    {
        var refusal = await new WebhookAddressGuard(allowPrivateNetworks: true).CheckAsync(new Uri(url), default);
        Assert.Contains("metadata address: refused always", refusal, StringComparison.Ordinal);
    }
}
