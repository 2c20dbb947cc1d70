using Monitor.Core.Market;

namespace Monitor.Storage;

/// <summary>
/// The guard at the store writers: a value that is not a finite number is refused before it is written, so nothing
/// stored can break a read, a restart or a replay. Ingest bounds every input, so this only fires on a bug. (Ticks are
/// checked where they are appended, with their indices.)
/// </summary>
public static class StoredNumbers
{
    public static void RequireFinite(InstrumentId instrument, IReadOnlyList<Bar> bars)
    {
        foreach (var bar in bars)
        {
            if (!double.IsFinite(bar.Open) || !double.IsFinite(bar.High) || !double.IsFinite(bar.Low)
                || !double.IsFinite(bar.Close) || !double.IsFinite(bar.Volume))
            {
                throw Refused($"the bar of {instrument} at {bar.Time:O} ({bar})");
            }
        }
    }

    public static void RequireFinite(IReadOnlyList<InventoryValue> values)
    {
        foreach (var value in values)
        {
            if (!double.IsFinite(value.Quantity))
            {
                throw Refused($"the {value.Series} value of {value.Instrument} as of {value.AsOf:yyyy-MM-dd} ({value.Quantity})");
            }
        }
    }

    private static InvalidDataException Refused(string what) => new($"{what} is not a finite number and is not stored");
}
