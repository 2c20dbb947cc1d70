using System.Diagnostics;
using System.Text;

namespace Monitor.Testing;

/// <summary>
/// The server as a real operating-system process (the apphost built next to the tests, so the test project must
/// reference Monitor.Server), for what only a real process shows: kill -9 and restart, a browser on a real port.
/// Demo feed off, the three <see cref="TestApiKeys"/>. Its data directory outlives the process so a restart finds it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the server in <paramref name="dataDirectory"/> on a free port and waits until /health/ready answers.</summary>
    public static Task<ServerProcess> StartAsync(string dataDirectory, params string[] settings) =>
        StartAsync(dataDirectory, new Uri($"http://127.0.0.1:{TestPorts.Free()}"), settings);

    /// <summary>Starts the server at <paramref name="baseAddress"/> (the address of one that was stopped, to restart it).</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, Uri baseAddress, params string[] settings)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Monitor.Server"))
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[]
        {
            $"--urls={baseAddress}",
            "--Monitor:DemoFeed:Enabled=false",
            $"--Monitor:Cluster:SiloPort={TestPorts.Free()}",
            $"--Monitor:Cluster:GatewayPort={TestPorts.Free()}",
            "--Monitor:Auth:ApiKeys:0:Name=feed",
            $"--Monitor:Auth:ApiKeys:0:Key={TestApiKeys.Ingest}",
            "--Monitor:Auth:ApiKeys:0:Roles:0=ingest",
            "--Monitor:Auth:ApiKeys:1:Name=reader",
            $"--Monitor:Auth:ApiKeys:1:Key={TestApiKeys.Read}",
            "--Monitor:Auth:ApiKeys:1:Roles:0=read",
            "--Monitor:Auth:ApiKeys:2:Name=ops",
            $"--Monitor:Auth:ApiKeys:2:Key={TestApiKeys.Admin}",
            "--Monitor:Auth:ApiKeys:2:Roles:0=admin",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the server did not start");
        var server = new ServerProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            // A server that never became ready would otherwise outlive the test.
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd or Kubernetes stop a server: it drains requests and leaves the cluster, then exits.</summary>
    public async Task StopAsync()
    {
        // The shell's own kill: a minimal Debian has no kill program (procps) installed.
        using (var kill = Process.Start("/bin/sh", ["-c", $"kill -TERM {_process.Id}"]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the server was not ready within a minute:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
