namespace Monitor.Server.Hosting;

/// <summary>
/// A URL as it may be logged: without user name and password, and with every query value replaced, since both carry
/// secrets (<c>http://alice:S3cretPass@host/hook?token=...</c> is logged <c>http://host/hook?token=***</c>).
/// </summary>
public static class LoggedUrl
{
    public static string Redact(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "(not a URL)";
        }

        var builder = new UriBuilder(uri) { UserName = "", Password = "" };
        if (uri.Query.Length > 1)
        {
            builder.Query = string.Join("&", uri.Query[1..].Split('&').Select(pair => pair.Split('=')[0] + "=***"));
        }

        return builder.Uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped);
    }
}
