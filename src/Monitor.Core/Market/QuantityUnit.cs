using System.Collections.Frozen;

namespace Monitor.Core.Market;

/// <summary>Units accepted for inventory quantities. Mass units convert among themselves; contracts stand alone.</summary>
public enum QuantityUnit
{
    /// <summary>Troy ounce (31.1034768 g).</summary>
    TroyOunce,

    /// <summary>Thousand troy ounces.</summary>
    KiloTroyOunce,

    /// <summary>Million troy ounces.</summary>
    MegaTroyOunce,

    /// <summary>Metric tonne.</summary>
    Tonne,

    /// <summary>Thousand metric tonnes.</summary>
    Kilotonne,

    Kilogram,

    /// <summary>Avoirdupois pound (453.59237 g).</summary>
    Pound,

    /// <summary>Short ton (2,000 lb).</summary>
    ShortTon,

    /// <summary>Futures contracts (CFTC positioning).</summary>
    Contracts,
}

public static class QuantityUnits
{
    private const double GramsPerTroyOunce = 31.1034768;
    private const double GramsPerPound = 453.59237;

    private static readonly FrozenDictionary<string, QuantityUnit> BySymbol = new Dictionary<string, QuantityUnit>(StringComparer.OrdinalIgnoreCase)
    {
        ["oz"] = QuantityUnit.TroyOunce,
        ["koz"] = QuantityUnit.KiloTroyOunce,
        ["moz"] = QuantityUnit.MegaTroyOunce,
        ["t"] = QuantityUnit.Tonne,
        ["kt"] = QuantityUnit.Kilotonne,
        ["kg"] = QuantityUnit.Kilogram,
        ["lb"] = QuantityUnit.Pound,
        ["st"] = QuantityUnit.ShortTon,
        ["contracts"] = QuantityUnit.Contracts,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Symbols => BySymbol.Keys;

    public static bool TryParse(string? symbol, out QuantityUnit unit) =>
        BySymbol.TryGetValue(symbol?.Trim() ?? "", out unit);

    public static string Symbol(this QuantityUnit unit) => unit switch
    {
        QuantityUnit.TroyOunce => "oz",
        QuantityUnit.KiloTroyOunce => "koz",
        QuantityUnit.MegaTroyOunce => "moz",
        QuantityUnit.Tonne => "t",
        QuantityUnit.Kilotonne => "kt",
        QuantityUnit.Kilogram => "kg",
        QuantityUnit.Pound => "lb",
        QuantityUnit.ShortTon => "st",
        QuantityUnit.Contracts => "contracts",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };

    public static bool IsMass(this QuantityUnit unit) => unit != QuantityUnit.Contracts;

    /// <summary>Converts a quantity; fails when the units measure different things (mass and contracts).</summary>
    public static bool TryConvert(double quantity, QuantityUnit from, QuantityUnit to, out double converted)
    {
        if (from == to)
        {
            converted = quantity;
            return true;
        }

        if (!from.IsMass() || !to.IsMass())
        {
            converted = 0;
            return false;
        }

        converted = quantity * Grams(from) / Grams(to);
        return true;
    }

    public static double Convert(double quantity, QuantityUnit from, QuantityUnit to) =>
        TryConvert(quantity, from, to, out double converted)
            ? converted
            : throw new InvalidOperationException($"cannot convert {from.Symbol()} to {to.Symbol()}: they measure different things");

    private static double Grams(QuantityUnit unit) => unit switch
    {
        QuantityUnit.TroyOunce => GramsPerTroyOunce,
        QuantityUnit.KiloTroyOunce => GramsPerTroyOunce * 1e3,
        QuantityUnit.MegaTroyOunce => GramsPerTroyOunce * 1e6,
        QuantityUnit.Tonne => 1e6,
        QuantityUnit.Kilotonne => 1e9,
        QuantityUnit.Kilogram => 1e3,
        QuantityUnit.Pound => GramsPerPound,
        QuantityUnit.ShortTon => GramsPerPound * 2000,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "not a mass unit"),
    };
}
