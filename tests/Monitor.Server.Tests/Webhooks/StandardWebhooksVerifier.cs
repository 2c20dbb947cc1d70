using System.Security.Cryptography;
using System.Text;

namespace Monitor.Server.Tests.Webhooks;

/// <summary>
/// An implementation of the Standard Webhooks verification written from the specification
/// (https://github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md, "Verifying webhook
/// authenticity"), independent of the server's signing code: it recomputes <c>v1,base64(HMAC-SHA256(key,
/// "{id}.{timestamp}.{body}"))</c> with the base64-decoded secret after <c>whsec_</c>, and accepts the request if any
/// space-separated signature matches in constant time.
/// </summary>
internal static class StandardWebhooksVerifier
{
    public static bool Verify(string secret, string id, string timestamp, string body, string signatureHeader)
    {
        const string prefix = "whsec_";
        byte[] key = Convert.FromBase64String(secret.StartsWith(prefix, StringComparison.Ordinal) ? secret[prefix.Length..] : secret);
        byte[] expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        foreach (string signature in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = signature.Split(',', 2);
            if (parts.Length != 2 || parts[0] != "v1")
            {
                continue;
            }

            byte[] given;
            try
            {
                given = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Verify(string secret, ReceivedWebhook received) =>
        Verify(secret, received.Id, received.Timestamp, received.Body, received.Signature);
}
