using System.Net;
using System.Net.Sockets;

namespace Monitor.Testing;

/// <summary>Free loopback ports, so every test host gets its own (Orleans binds with address reuse: a clash would not error).</summary>
public static class TestPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
