using System.Collections;
using System.ComponentModel;
using System.Globalization;

namespace Monitor.Server.Webhooks;

/// <summary>
/// The delays before a delivery's attempts 1..n, configured as a comma-separated list of durations
/// (<c>0s,5s,5m,30m</c>). Text that is not such a list still binds, keeping the items that are not durations in
/// <see cref="Invalid"/>, so validation can say which ones are wrong.
/// </summary>
[TypeConverter(typeof(RetryScheduleConverter))]
public sealed class RetrySchedule : IReadOnlyList<TimeSpan>
{
    public const string DefaultText = "0s,5s,5m,30m,2h,5h,10h,14h,20h,24h";

    private readonly TimeSpan[] _delays;
    private readonly string _text;

    private RetrySchedule(string text, TimeSpan[] delays, IReadOnlyList<string> invalid)
    {
        _text = text;
        _delays = delays;
        Invalid = invalid;
    }

    public static RetrySchedule Default { get; } = Parse(DefaultText);

    /// <summary>The items of the configured text that are not durations.</summary>
    public IReadOnlyList<string> Invalid { get; }

    public int Count => _delays.Length;

    public TimeSpan this[int index] => _delays[index];

    public static RetrySchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var delays = new List<TimeSpan>();
        var invalid = new List<string>();
        foreach (string item in text.Split(','))
        {
            if (WebhookDuration.TryParse(item, out var delay))
            {
                delays.Add(delay);
            }
            else
            {
                invalid.Add(item.Trim());
            }
        }

        return new RetrySchedule(text, [.. delays], invalid);
    }

    public static RetrySchedule Of(params TimeSpan[] delays)
    {
        ArgumentNullException.ThrowIfNull(delays);
        return new RetrySchedule(string.Join(',', delays.Select(d => d.ToString("c", CultureInfo.InvariantCulture))), [.. delays], []);
    }

    public IEnumerator<TimeSpan> GetEnumerator() => ((IEnumerable<TimeSpan>)_delays).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The text it was configured with.</summary>
    public override string ToString() => _text;

    private sealed class RetryScheduleConverter : TypeConverter
    {
        public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

        public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) => Parse((string)value);
    }
}
