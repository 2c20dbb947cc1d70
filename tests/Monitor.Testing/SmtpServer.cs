using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;

namespace Monitor.Testing;

/// <summary>
/// A real SMTP server on loopback for the tests: Debian's python3-aiosmtpd (<c>smtp_server.py</c> beside this file),
/// STARTTLS with a self-signed certificate made here (<see cref="CertificatePem"/>, for the receiver's
/// <c>smtp.caCertificate</c>), AUTH with <see cref="User"/> and <see cref="Password"/>, and every accepted message kept
/// in a Maildir that <see cref="Messages"/> reads. Stopped (its standard input closed) when disposed.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;
    private readonly string _directory;

    private SmtpServer(Process process, string directory, int port, string certificatePem)
    {
        _process = process;
        _directory = directory;
        Port = port;
        CertificatePem = certificatePem;
    }

    public const string Host = "127.0.0.1";

    public int Port { get; }

    public const string User = "monitor";

    public const string Password = "smtp-pass-7f3a9c";

    /// <summary>The server's self-signed certificate, PEM.</summary>
    public string CertificatePem { get; }

    public static async Task<SmtpServer> StartAsync()
    {
        string directory = Directory.CreateTempSubdirectory("monitor-smtp-").FullName;
        string pem = WriteCertificate(directory);
        int port = TestPorts.Free();
        string script = Path.Combine(AppContext.BaseDirectory, "smtp_server.py");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[script, Host, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Path.Combine(directory, "maildir"), Path.Combine(directory, "cert.pem"), Path.Combine(directory, "key.pem"), User, Password])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start");
        var ready = process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30))) != ready || await ready != "ready")
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"the test SMTP server did not start (is python3-aiosmtpd installed? ./test.sh installs it): {await process.StandardError.ReadToEndAsync()}");
        }

        return new SmtpServer(process, directory, port, pem);
    }

    /// <summary>Every message the server accepted, in the order they arrived.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            string maildir = Path.Combine(_directory, "maildir");
            return [.. new[] { "new", "cur" }.Select(folder => Path.Combine(maildir, folder)).Where(Directory.Exists)
                .SelectMany(Directory.EnumerateFiles).OrderBy(File.GetLastWriteTimeUtc).Select(file => MimeMessage.Load(file))];
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan? timeout = null) =>
        Eventually.GetAsync(() => Task.FromResult(Messages), m => m.Count >= count, timeout ?? TimeSpan.FromSeconds(20), $"{count} emails");

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, written as cert.pem and key.pem; returns its PEM.</summary>
    private static string WriteCertificate(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=monitor-test-smtp", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        string pem = certificate.ExportCertificatePem();
        File.WriteAllText(Path.Combine(directory, "cert.pem"), pem);
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return pem;
    }
}
