using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Monitor.Cli.Notify;

/// <summary>
/// A policy file as JSON: a <c>.json</c> file as it is, any other read as YAML (a superset of JSON) and written as the
/// same JSON document, so the policy's paths (<c>route.routes[1].receiver</c>) name the same places in either form.
/// Plain YAML scalars <c>true</c>/<c>false</c>, <c>null</c>/<c>~</c> and numbers become JSON's; everything else is a string.
/// </summary>
internal static class PolicyFile
{
    /// <summary>The file's JSON, or the reason it cannot be read (with its line and column for YAML).</summary>
    public static (string? Json, string? Error) Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{path}: cannot be read: {e.Message}");
        }

        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return (text, null);
        }

        try
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(text));
            if (yaml.Documents.Count != 1)
            {
                return (null, $"{path}: holds {yaml.Documents.Count} YAML documents; a policy is one");
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                Write(writer, yaml.Documents[0].RootNode);
            }

            return (Encoding.UTF8.GetString(stream.ToArray()), null);
        }
        catch (YamlException e)
        {
            return (null, $"{path}: line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: { } name } ? name : throw new YamlException(key.Start, key.End, "a key must be a plain name"));
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new YamlException(node.Start, node.End, "aliases are not supported in a policy");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        string value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            writer.WriteStringValue(value);
        }
        else if (value is "true" or "false")
        {
            writer.WriteBooleanValue(value == "true");
        }
        else if (value is "" or "null" or "~")
        {
            writer.WriteNullValue();
        }
        else if (IsJsonNumber(value))
        {
            writer.WriteRawValue(value);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static bool IsJsonNumber(string value) =>
        (char.IsAsciiDigit(value[0]) || (value[0] == '-' && value.Length > 1 && char.IsAsciiDigit(value[1])))
        && !(value.Length > 1 && value[0] == '0' && char.IsAsciiDigit(value[1]))
        && double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _);
}
