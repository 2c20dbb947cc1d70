using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

/// <summary>
/// Sends a notification as one email through the receiver's SMTP server (MailKit): STARTTLS when <c>startTls</c> (the
/// default; refused if the server does not offer it), TLS from the start on port 465, plain otherwise; then
/// authentication when a username is set; then a message with a plain-text and an HTML part, its Message-ID derived
/// from the notification's id (so a resent notification is recognisably the same). A refused login or a 5xx reply fails
/// the notification at once; a 4xx reply, a timeout or a refused connection is retried. The attempt's status is the SMTP reply code.
/// </summary>
public sealed class EmailSender(TimeSpan timeout, TimeProvider clock) : INotificationSender
{
    public string Kind => ReceiverKinds.Email;

    public async Task<AttemptResult> SendAsync(ReceiverSettings settings, ClaimedNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var email = (EmailSettings)settings;
        var smtp = email.Smtp;
        var at = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        string server = $"SMTP server {smtp.Host}:{smtp.Port}";
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        using var client = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        if (smtp.CaCertificate is { } ca)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(ca, certificate, errors);
        }

        try
        {
            var security = smtp.StartTls ? SecureSocketOptions.StartTls : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.None;
            await client.ConnectAsync(smtp.Host, smtp.Port, security, timer.Token).ConfigureAwait(false);
            if (smtp.Username is not null)
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", timer.Token).ConfigureAwait(false);
            }

            await client.SendAsync(Message(email, notification), timer.Token).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, timer.Token).ConfigureAwait(false);
            return new AttemptResult(at, 250, watch.Elapsed, null, null);
        }
        catch (AuthenticationException refused)
        {
            return Failed(at, watch, 535, $"{server} refused the login of user '{smtp.Username}': {refused.Message}", permanent: true, smtp);
        }
        catch (SmtpCommandException command)
        {
            int code = (int)command.StatusCode;
            return Failed(at, watch, code, $"{server} answered {code} to {Command(command)}: {command.Message}", permanent: code >= 500, smtp);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(at, watch, null, $"{server}: no answer within the timeout ({timeout.TotalSeconds:0.###} s)", permanent: false, smtp);
        }
        catch (Exception e) when (e is SmtpProtocolException or SslHandshakeException or SocketException or IOException or NotSupportedException or ServiceNotConnectedException)
        {
            return Failed(at, watch, null, $"{server}: {e.Message.ReplaceLineEndings(" ")}", permanent: false, smtp);
        }
    }

    /// <summary>Whether the server's certificate is valid, or chains to <paramref name="caPem"/> with the server's name matching.</summary>
    private static bool TrustedBy(string caPem, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var ca = X509Certificate2.CreateFromPem(caPem);
        using var server = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }

    private static AttemptResult Failed(DateTimeOffset at, Stopwatch watch, int? code, string error, bool permanent, SmtpSettings smtp) =>
        new(at, code, watch.Elapsed, HttpNotificationPoster.Scrub(error, smtp.Password is { } password ? [password] : []), null, permanent);

    private static string Command(SmtpCommandException e) => e.ErrorCode switch
    {
        SmtpErrorCode.SenderNotAccepted => $"the sender {e.Mailbox}",
        SmtpErrorCode.RecipientNotAccepted => $"the recipient {e.Mailbox}",
        SmtpErrorCode.MessageNotAccepted => "the message",
        _ => "a command",
    };

    private static MimeMessage Message(EmailSettings email, ClaimedNotification notification)
    {
        using var payload = JsonDocument.Parse(notification.Payload);
        var root = payload.RootElement;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(email.From));
        foreach (string to in email.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = root.GetProperty("subject").GetString() ?? "";
        message.MessageId = $"{notification.Id}@monitor";
        message.Headers.Add("X-Monitor-Notification", notification.Id);
        message.Body = new BodyBuilder { TextBody = root.GetProperty("text").GetString(), HtmlBody = root.GetProperty("html").GetString() }.ToMessageBody();
        return message;
    }
}
