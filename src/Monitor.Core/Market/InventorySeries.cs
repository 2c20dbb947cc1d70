namespace Monitor.Core.Market;

/// <summary>The named inventory series an instrument can carry (CONTRACT.md section 2).</summary>
public static class InventorySeries
{
    public const string Registered = "registered";
    public const string Eligible = "eligible";
    public const string Stocks = "stocks";
    public const string OnWarrant = "onWarrant";
    public const string Cancelled = "cancelled";
    public const string Holdings = "holdings";
    public const string Vault = "vault";
    public const string ManagedMoneyNet = "mmNet";

    public static IReadOnlyList<string> All { get; } =
        [Registered, Eligible, Stocks, OnWarrant, Cancelled, Holdings, Vault, ManagedMoneyNet];

    /// <summary>Finds a series by name ignoring case and returns its canonical spelling.</summary>
    public static bool TryNormalize(string? name, out string canonical)
    {
        foreach (var series in All)
        {
            if (string.Equals(series, name, StringComparison.OrdinalIgnoreCase))
            {
                canonical = series;
                return true;
            }
        }

        canonical = "";
        return false;
    }

    /// <summary>
    /// The base unit a series is kept in: contracts for positioning, tonnes for LME stocks, and for exchange
    /// warehouse stocks tonnes or troy ounces depending on whether the metal is base or precious.
    /// </summary>
    public static QuantityUnit BaseUnit(string series, bool preciousMetal) => series switch
    {
        ManagedMoneyNet => QuantityUnit.Contracts,
        Stocks or OnWarrant or Cancelled => QuantityUnit.Tonne,
        Holdings or Vault => QuantityUnit.TroyOunce,
        _ => preciousMetal ? QuantityUnit.TroyOunce : QuantityUnit.Tonne,
    };
}

/// <summary>
/// One published inventory figure: <paramref name="AsOf"/> is the period it describes, <paramref name="PublishedAt"/>
/// when it became known (rules see it only from then on). <paramref name="Quantity"/> is in <paramref name="Unit"/>.
/// </summary>
public readonly record struct InventoryValue(
    InstrumentId Instrument,
    string Series,
    DateOnly AsOf,
    DateTimeOffset PublishedAt,
    double Quantity,
    QuantityUnit Unit)
{
    public InventoryValue ConvertTo(QuantityUnit unit) =>
        this with { Quantity = QuantityUnits.Convert(Quantity, Unit, unit), Unit = unit };
}
