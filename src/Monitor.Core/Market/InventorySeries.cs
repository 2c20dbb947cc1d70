namespace Monitor.Core.Market;

/// <summary>The named inventory series an instrument can carry.</summary>
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
    public const string Pledged = "pledged";
    public const string OpenInterest = "openInterest";
    public const string ManagedMoneyLong = "mmLong";
    public const string ManagedMoneyShort = "mmShort";
    public const string NonCommercialLong = "ncLong";
    public const string NonCommercialShort = "ncShort";
    public const string NonCommercialNet = "ncNet";

    public static IReadOnlyList<string> All { get; } =
        [Registered, Eligible, Stocks, OnWarrant, Cancelled, Holdings, Vault, ManagedMoneyNet, Pledged,
         OpenInterest, ManagedMoneyLong, ManagedMoneyShort, NonCommercialLong, NonCommercialShort, NonCommercialNet];

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

    /// <summary>Whether a series is a net position (long minus short), which may be negative.</summary>
    public static bool IsNet(string series) => series is ManagedMoneyNet or NonCommercialNet;

    /// <summary>
    /// The base unit a series is kept in: contracts for positioning, tonnes for LME stocks, and for exchange
    /// warehouse stocks tonnes or troy ounces depending on whether the metal is base or precious.
    /// </summary>
    public static QuantityUnit BaseUnit(string series, bool preciousMetal) => series switch
    {
        ManagedMoneyNet or ManagedMoneyLong or ManagedMoneyShort or OpenInterest
            or NonCommercialLong or NonCommercialShort or NonCommercialNet => QuantityUnit.Contracts,
        Stocks or OnWarrant or Cancelled => QuantityUnit.Tonne,
        Holdings or Vault => QuantityUnit.TroyOunce,
        _ => preciousMetal ? QuantityUnit.TroyOunce : QuantityUnit.Tonne,
    };
}

/// <summary>
/// One published inventory figure: <paramref name="AsOf"/> is the period it describes, <paramref name="PublishedAt"/>
/// when it became known (rules see it only from then on). <paramref name="Quantity"/> is in <paramref name="Unit"/>.
/// <see cref="Location"/> names a depository, warehouse location or vault as the publisher writes it; null is the
/// series' total over all locations as the publisher reports it.
/// </summary>
public readonly record struct InventoryValue(
    InstrumentId Instrument,
    string Series,
    DateOnly AsOf,
    DateTimeOffset PublishedAt,
    double Quantity,
    QuantityUnit Unit)
{
    /// <summary>The location, trimmed, or null for the total. Compared without regard to case.</summary>
    public string? Location { get; init; }

    /// <summary>Whether two values are of the same series at the same location (the key a store versions by, with <see cref="AsOf"/>).</summary>
    public bool SameSeries(in InventoryValue other) =>
        Instrument == other.Instrument && string.Equals(Series, other.Series, StringComparison.Ordinal)
        && InventoryLocation.Same(Location, other.Location);

    public bool Equals(InventoryValue other) =>
        SameSeries(other) && AsOf == other.AsOf && PublishedAt == other.PublishedAt
        && Quantity.Equals(other.Quantity) && Unit == other.Unit;

    public override int GetHashCode() =>
        HashCode.Combine(Instrument, Series, Location is null ? 0 : InventoryLocation.Comparer.GetHashCode(Location), AsOf, PublishedAt, Quantity, Unit);
}
