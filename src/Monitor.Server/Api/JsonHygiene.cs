using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Monitor.Core.Market;

namespace Monitor.Server.Api;

/// <summary>
/// What System.Text.Json lets through and must not reach the service: bytes that are not UTF-8, a leading byte order
/// mark (it refuses those), keys given twice in one object (it keeps the last, so <c>{"price":-5,"price":900}</c> would pass
/// as 900), and text that is not valid Unicode (an escaped lone surrogate such as <c>"\ud800"</c>, which throws when read).
/// </summary>
internal static class JsonHygiene
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Objects with more keys than this are checked for duplicates with a set instead of pairwise.</summary>
    private const int PairwiseKeys = 16;

    /// <summary>The body without a leading UTF-8 byte order mark, or null when it is not UTF-8.</summary>
    public static ReadOnlyMemory<byte>? Utf8Text(ReadOnlyMemory<byte> body)
    {
        if (body.Span.StartsWith(ByteOrderMark))
        {
            body = body[ByteOrderMark.Length..];
        }

        return Utf8.IsValid(body.Span) ? body : (ReadOnlyMemory<byte>?)null;
    }

    public const string NotUtf8 = "The body is not UTF-8 text; send JSON encoded as UTF-8.";

    /// <summary>Null when every key is unique within its object and every string and key is valid Unicode; else the
    /// problem, naming where it is (<c>'params.input'</c>, <c>a key in 'labels'</c>).</summary>
    public static string? FindProblem(JsonElement element)
    {
        var found = Check(element);
        return found is { } f ? $"{(f.Path.Length == 0 ? "the value" : $"'{UntrustedText.Printable(f.Path)}'")} {f.Problem}" : null;
    }

    private static (string Path, string Problem)? Check(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsValidString(element)
                    ? null
                    : ("", "holds text that is not valid Unicode");
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Check(item) is { } found)
                    {
                        return (Join($"[{index}]", found.Path), found.Problem);
                    }

                    index++;
                }

                return null;
            case JsonValueKind.Object:
                return CheckObject(element);
            default:
                return null;
        }
    }

    /// <remarks>
    /// Ingest checks every item of a batch, so this runs per tick: without an escape in the object (the usual case) its
    /// keys are compared as raw bytes, the first <see cref="PairwiseKeys"/> by their place in the object's text, with
    /// no allocation and one pass over the keys. Escaped keys are compared as the text they stand for.
    /// </remarks>
    private static (string Path, string Problem)? CheckObject(JsonElement element)
    {
        var text = JsonMarshal.GetRawUtf8Value(element);
        bool escapes = text.Contains((byte)'\\');
        Span<Range> earlier = stackalloc Range[PairwiseKeys];
        HashSet<string>? names = escapes ? new HashSet<string>(StringComparer.Ordinal) : null;
        int count = 0;
        foreach (var property in element.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (escapes && raw.Contains((byte)'\\') && !IsValidName(property))
            {
                return ("", "has a key that is not valid Unicode");
            }

            bool duplicate = false;
            if (names is null && count < PairwiseKeys)
            {
                text.Overlaps(raw, out int at);
                for (int i = 0; i < count && !duplicate; i++)
                {
                    duplicate = text[earlier[i]].SequenceEqual(raw);
                }

                earlier[count] = new Range(at, at + raw.Length);
            }
            else
            {
                names ??= [.. element.EnumerateObject().Take(count).Select(p => p.Name)];
                duplicate = !names.Add(property.Name);
            }

            if (duplicate)
            {
                return ("", $"has the key '{UntrustedText.Printable(property.Name)}' twice");
            }

            if (Check(property.Value) is { } found)
            {
                return (Join(property.Name, found.Path), found.Problem);
            }

            count++;
        }

        return null;
    }

    /// <summary>Raw UTF-8 (the body was checked) can only go wrong through an escape: read the text to find out.</summary>
    private static bool IsValidString(JsonElement element)
    {
        if (!JsonMarshal.GetRawUtf8Value(element).Contains((byte)'\\'))
        {
            return true;
        }

        try
        {
            element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsValidName(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Join(string name, string path) =>
        path.Length == 0 ? name : path.StartsWith('[') ? name + path : $"{name}.{path}";
}
