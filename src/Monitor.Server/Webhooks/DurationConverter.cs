using System.ComponentModel;
using System.Globalization;

namespace Monitor.Server.Webhooks;

/// <summary>
/// Lets configuration bind <see cref="TimeSpan"/> settings written as the API documents durations (<c>500ms</c>,
/// <c>15s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>) as well as .NET's own form (<c>00:00:15</c>). The configuration binder
/// converts through the type's converter, so <see cref="Register"/> installs this one for <see cref="TimeSpan"/>,
/// once per process, before options are bound.
/// </summary>
public sealed class DurationConverter : TimeSpanConverter
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(DurationConverter)));
        }
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? WebhookDuration.TryParse(text, out var duration) || TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration)
                ? duration
                : throw new FormatException($"'{text}' is not a duration such as 500ms, 15s, 5m, 2h, 1d or 00:00:15")
            : base.ConvertFrom(context, culture, value);
}
