using System.Globalization;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// Numbers in alert messages, invariant culture: prices with two decimals and thousands separators
/// (<c>9,712.50</c>), small values with four significant decimals, percentages with a sign and one decimal
/// (<c>+21.4%</c>), quantities in a readable unit (<c>-9.8 Moz</c>, <c>132.4 kt</c>, <c>12,345 contracts</c>).
/// </summary>
internal static class RuleFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Number(double value) =>
        Math.Abs(value) >= 1 ? value.ToString("#,##0.00", Invariant) : value.ToString("0.0###", Invariant);

    public static string Signed(double value) => (value > 0 ? "+" : "") + Number(value);

    public static string Percent(double percent) => percent.ToString("+0.0;-0.0;0.0", Invariant) + "%";

    public static string Days(double days) => days.ToString("#,##0.0", Invariant);

    /// <summary>A quantity in the most readable unit of its family; with <paramref name="signed"/> a leading + for gains.</summary>
    public static string Quantity(double quantity, QuantityUnit unit, bool signed = false)
    {
        string sign = signed && quantity > 0 ? "+" : "";
        if (unit == QuantityUnit.Contracts)
        {
            return sign + quantity.ToString("#,##0", Invariant) + " contracts";
        }

        if (unit is QuantityUnit.TroyOunce or QuantityUnit.KiloTroyOunce or QuantityUnit.MegaTroyOunce)
        {
            double ounces = QuantityUnits.Convert(quantity, unit, QuantityUnit.TroyOunce);
            double size = Math.Abs(ounces);
            return sign + (size >= 1e6 ? (ounces / 1e6).ToString("#,##0.0", Invariant) + " Moz"
                : size >= 1e3 ? (ounces / 1e3).ToString("#,##0.0", Invariant) + " koz"
                : ounces.ToString("#,##0", Invariant) + " oz");
        }

        double tonnes = QuantityUnits.Convert(quantity, unit, QuantityUnit.Tonne);
        double mass = Math.Abs(tonnes);
        return sign + (mass >= 1e6 ? (tonnes / 1e6).ToString("#,##0.0", Invariant) + " Mt"
            : mass >= 1e3 ? (tonnes / 1e3).ToString("#,##0.0", Invariant) + " kt"
            : tonnes.ToString("#,##0.#", Invariant) + " t");
    }

    /// <summary>A value of an input: a quantity for a series, else a number.</summary>
    public static string Value(InputSlot slot, double value, bool signed = false) =>
        slot.Kind == RuleInputKind.Series && slot.Unit is { } unit
            ? Quantity(value, unit, signed)
            : signed ? Signed(value) : Number(value);
}
