using System.Net.Mail;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Monitor.Core.Notifications;

/// <summary>
/// Reads a receiver's settings (the value of its kind's key, such as <c>"slack":{...}</c>) into the
/// <see cref="ReceiverSettings"/> of that kind, reporting every problem at its path in the policy document
/// (<c>receivers[2].email.smtp.port</c>). Unknown fields are errors: a misspelt <c>botTokn</c> should not be dropped
/// silently. <c>sendResolved</c> is accepted in every kind (the policy reads it).
/// </summary>
public static partial class ReceiverSettingsReader
{
    private const string SendResolved = "sendResolved";

    /// <summary>The settings, or null when a problem was added to <paramref name="problems"/>.</summary>
    public static ReceiverSettings? Read(string kind, JsonElement settings, string path, ICollection<PolicyProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(problems);
        if (settings.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new PolicyProblem(path, $"must be an object with the {kind} receiver's settings"));
            return null;
        }

        if (!ReceiverKinds.All.Contains(kind, StringComparer.Ordinal))
        {
            problems.Add(new PolicyProblem(path, $"'{kind}' is not a receiver kind; use one of {string.Join(", ", ReceiverKinds.All)}"));
            return null;
        }

        int before = problems.Count;
        var reader = new Fields(settings, path, problems);
        ReceiverSettings? read = kind switch
        {
            ReceiverKinds.Slack => new SlackSettings(reader.Url("url", required: true)!),
            ReceiverKinds.Teams => new TeamsSettings(reader.Url("url", required: true)!),
            ReceiverKinds.Email => ReadEmail(reader, settings, path, problems),
            ReceiverKinds.Telegram => ReadTelegram(reader),
            _ => new WebhookReceiverSettings(reader.Text("id", required: true)!),
        };

        reader.RejectUnknown();
        return problems.Count == before ? read : null;
    }

    private static EmailSettings? ReadEmail(Fields reader, JsonElement settings, string path, ICollection<PolicyProblem> problems)
    {
        var to = reader.Addresses("to");
        string? from = reader.Address("from", required: true);
        SmtpSettings? smtp = null;
        if (settings.TryGetProperty("smtp", out var smtpElement) && smtpElement.ValueKind == JsonValueKind.Object)
        {
            var smtpReader = new Fields(smtpElement, $"{path}.smtp", problems);
            string? host = smtpReader.Text("host", required: true);
            int port = smtpReader.Port("port", 587);
            bool startTls = smtpReader.Flag("startTls", true);
            string? ca = smtpReader.Certificate("caCertificate");
            string? username = smtpReader.Text("username", required: false);
            string? password = smtpReader.Text("password", required: false);
            if ((username is null) != (password is null))
            {
                problems.Add(new PolicyProblem($"{path}.smtp", "'username' and 'password' go together: give both to authenticate, or neither"));
            }

            smtpReader.RejectUnknown();
            smtp = host is null ? null : new SmtpSettings(host, port, startTls, username, password, ca);
        }
        else
        {
            problems.Add(new PolicyProblem($"{path}.smtp", "is required: an object such as {\"host\":\"smtp.example.com\",\"port\":587,\"startTls\":true,\"username\":\"...\",\"password\":\"...\"}"));
        }

        reader.Known("smtp");
        return to.Count > 0 && from is not null && smtp is not null ? new EmailSettings(to, from, smtp) : null;
    }

    private static TelegramSettings? ReadTelegram(Fields reader)
    {
        string? token = reader.Text("botToken", required: true);
        if (token is not null && !BotToken().IsMatch(token))
        {
            reader.Problem("botToken", "is not a bot token: the Bot API's tokens read <bot id>:<secret>, as BotFather gives them");
            token = null;
        }

        string? chat = reader.ChatId("chatId");
        var apiBase = reader.Url("apiBase", required: false) ?? TelegramSettings.DefaultApiBase;
        return token is not null && chat is not null ? new TelegramSettings(token, chat, apiBase) : null;
    }

    [GeneratedRegex(@"^[0-9]+:[A-Za-z0-9_-]+$")]
    private static partial Regex BotToken();

    /// <summary>Reads the fields of one settings object, remembering which it read so the others can be refused.</summary>
    private sealed class Fields(JsonElement element, string path, ICollection<PolicyProblem> problems)
    {
        private readonly HashSet<string> _known = new(StringComparer.Ordinal) { SendResolved };

        public void Known(string name) => _known.Add(name);

        public void Problem(string name, string message) => problems.Add(new PolicyProblem($"{path}.{name}", message));

        public string? Text(string name, bool required)
        {
            _known.Add(name);
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Problem(name, "is required");
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                Problem(name, "must be a text that is not empty");
                return null;
            }

            return value.GetString()!.Trim();
        }

        public Uri? Url(string name, bool required)
        {
            string? text = Text(name, required);
            if (text is null)
            {
                return null;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
            {
                Problem(name, "must be an absolute http or https URL");
                return null;
            }

            return url;
        }

        public int Port(string name, int fallback)
        {
            _known.Add(name);
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return fallback;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int port) || port is < 1 or > 65535)
            {
                Problem(name, "must be a port number from 1 to 65535 (587 for STARTTLS, 465 for TLS)");
                return fallback;
            }

            return port;
        }

        public bool Flag(string name, bool fallback)
        {
            _known.Add(name);
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return fallback;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Problem(name, "must be true or false");
                return fallback;
            }

            return value.GetBoolean();
        }

        /// <summary>A Telegram chat: a numeric id (negative for groups and channels) as a number or text, or a channel's <c>@username</c>.</summary>
        public string? ChatId(string name)
        {
            _known.Add(name);
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                Problem(name, "is required: the chat's numeric id (-100... for a group or channel) or a channel's @username");
                return null;
            }

            string? text = value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt64(out long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                JsonValueKind.String => value.GetString(),
                _ => null,
            };
            if (text is null || !(long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)
                || (text.StartsWith('@') && text.Length > 1)))
            {
                Problem(name, "must be the chat's numeric id (-100... for a group or channel) or a channel's @username");
                return null;
            }

            return text;
        }

        /// <summary>A certificate in PEM (<c>-----BEGIN CERTIFICATE-----</c>...).</summary>
        public string? Certificate(string name)
        {
            string? pem = Text(name, required: false);
            if (pem is null)
            {
                return null;
            }

            try
            {
                using var certificate = X509Certificate2.CreateFromPem(pem);
                return pem;
            }
            catch (CryptographicException e)
            {
                Problem(name, $"is not a certificate in PEM form (-----BEGIN CERTIFICATE-----...): {e.Message}");
                return null;
            }
        }

        public string? Address(string name, bool required)
        {
            string? text = Text(name, required);
            if (text is not null && !MailAddress.TryCreate(text, out _))
            {
                Problem(name, $"'{text}' is not an email address");
                return null;
            }

            return text;
        }

        public IReadOnlyList<string> Addresses(string name)
        {
            _known.Add(name);
            if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                Problem(name, "is required: a list of one or more email addresses");
                return [];
            }

            var addresses = new List<string>();
            int index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && MailAddress.TryCreate(item.GetString(), out _))
                {
                    addresses.Add(item.GetString()!.Trim());
                }
                else
                {
                    problems.Add(new PolicyProblem($"{path}.{name}[{index}]", $"{item.GetRawText()} is not an email address"));
                }

                index++;
            }

            return addresses.Count == index ? addresses : [];
        }

        public void RejectUnknown()
        {
            foreach (var property in element.EnumerateObject().Where(p => !_known.Contains(p.Name)))
            {
                Problem(property.Name, $"is not a setting of this receiver kind (known: {string.Join(", ", _known.Order(StringComparer.Ordinal))})");
            }
        }
    }
}
