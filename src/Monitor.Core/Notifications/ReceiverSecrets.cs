using System.Text.Json;
using System.Text.Json.Nodes;

namespace Monitor.Core.Notifications;

/// <summary>Keeps the receivers' secrets (a Slack or Teams URL, an SMTP password, a bot token) out of what the API returns.</summary>
public interface IReceiverSecrets
{
    /// <summary>The policy document with every secret replaced by <see cref="ReceiverSecretMask.Masked"/>.</summary>
    JsonElement Mask(JsonElement document);

    /// <summary>
    /// <paramref name="next"/> with each secret written as <see cref="ReceiverSecretMask.Masked"/> replaced by the one of
    /// the receiver of the same name and kind in <paramref name="previous"/>: reading a policy, changing a route and
    /// sending it back needs no secret. A masked secret with nothing stored stays masked (and its check refuses it).
    /// </summary>
    JsonElement KeepSecrets(JsonElement? previous, JsonElement next);
}

/// <summary>
/// The settings of each receiver kind that are secrets, and <see cref="IReceiverSecrets"/> over a policy document
/// (<c>{"receivers":[{"name":"x","slack":{"url":...}}]}</c>). <see cref="Values"/> lists a receiver's secrets so
/// senders can scrub them from error messages before those are logged or shown.
/// </summary>
public sealed class ReceiverSecretMask : IReceiverSecrets
{
    public const string Masked = "********";

    /// <summary>The secret settings of each kind, as paths of property names inside the kind's object.</summary>
    private static readonly Dictionary<string, string[][]> Paths = new(StringComparer.Ordinal)
    {
        [ReceiverKinds.Slack] = [["url"]],
        [ReceiverKinds.Teams] = [["url"]],
        [ReceiverKinds.Email] = [["smtp", "password"]],
        [ReceiverKinds.Telegram] = [["botToken"]],
    };

    public JsonElement Mask(JsonElement document) =>
        Rewrite(document, (_, _, _) => JsonValue.Create(Masked));

    public JsonElement KeepSecrets(JsonElement? previous, JsonElement next)
    {
        var stored = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (previous is { } old && JsonNode.Parse(old.GetRawText()) is JsonObject oldRoot && oldRoot["receivers"] is JsonArray oldReceivers)
        {
            foreach (var receiver in oldReceivers.OfType<JsonObject>())
            {
                if (receiver["name"] is JsonValue name && name.TryGetValue(out string? text))
                {
                    stored.TryAdd(text, receiver);
                }
            }
        }

        return Rewrite(next, (receiver, kind, path) =>
        {
            var value = Find(receiver, [kind, .. path]);
            bool masked = value is JsonValue v && v.TryGetValue(out string? text) && text == Masked;
            return masked && receiver["name"] is JsonValue name && name.TryGetValue(out string? key)
                && stored.TryGetValue(key, out var old) && Find(old, [kind, .. path]) is { } kept
                ? kept.DeepClone()
                : value?.DeepClone();
        });
    }

    /// <summary>The secrets set in a receiver's settings of <paramref name="kind"/>.</summary>
    public static IEnumerable<string> Values(string kind, JsonElement settings)
    {
        if (!Paths.TryGetValue(kind, out var paths) || JsonNode.Parse(settings.GetRawText()) is not JsonObject root)
        {
            yield break;
        }

        foreach (var path in paths)
        {
            if (Find(root, path) is JsonValue value && value.TryGetValue(out string? text) && text.Length > 0)
            {
                yield return text;
            }
        }
    }

    /// <summary>The document with each secret that is set replaced by <paramref name="replace"/>(receiver, kind, path).</summary>
    private static JsonElement Rewrite(JsonElement document, Func<JsonObject, string, string[], JsonNode?> replace)
    {
        if (JsonNode.Parse(document.GetRawText()) is not JsonObject root || root["receivers"] is not JsonArray receivers)
        {
            return document;
        }

        foreach (var receiver in receivers.OfType<JsonObject>())
        {
            foreach (var (kind, paths) in Paths)
            {
                foreach (var path in paths)
                {
                    if (Find(receiver, [kind, .. path[..^1]]) is JsonObject owner && owner[path[^1]] is not null)
                    {
                        owner[path[^1]] = replace(receiver, kind, path);
                    }
                }
            }
        }

        return JsonSerializer.SerializeToElement(root);
    }

    private static JsonNode? Find(JsonNode node, IEnumerable<string> path)
    {
        JsonNode? current = node;
        foreach (string name in path)
        {
            current = current is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;
        }

        return current;
    }
}
