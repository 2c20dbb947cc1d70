namespace Monitor.Core.Market;

/// <summary>An OHLCV bar; <paramref name="Time"/> is the bar's open time.</summary>
public readonly record struct Bar(DateTimeOffset Time, double Open, double High, double Low, double Close, double Volume)
{
    /// <summary>Typical price (H + L + C) / 3, as CCI and VWAP use it.</summary>
    public double TypicalPrice => (High + Low + Close) / 3;
}
