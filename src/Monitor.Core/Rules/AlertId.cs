using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Monitor.Core.Rules;

/// <summary>
/// Deterministic alert ids: the first 16 bytes of SHA-256 over <c>ruleId|instrument,instrument|startedAt</c>
/// (start in UTC as <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>), as 32 lower-case hex digits. The same data and rule always
/// give the same ids, live or in a backtest.
/// </summary>
public static class AlertId
{
    public static string Create(string ruleId, IReadOnlyList<string> instruments, DateTimeOffset startedAt)
    {
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"{ruleId}|{string.Join(',', instruments)}|{startedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
