namespace Monitor.Core.Market;

/// <summary>
/// The checks every inventory value passes before it is stored, whoever sends it (the ingest route, a source, an
/// import): a known instrument and series, an activity date from 1970 to tomorrow, a unit that converts to the
/// series' base unit, a finite quantity within bounds, and a location that is a name. The value comes out in its
/// series' canonical spelling and base unit, its location trimmed.
/// </summary>
public static class InventoryValidation
{
    /// <summary>Null when <paramref name="value"/> may be stored (as <paramref name="normalized"/>), else what is wrong with it.</summary>
    public static string? Check(in InventoryValue value, InstrumentCatalog catalog, DateTimeOffset now, out InventoryValue normalized)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        normalized = default;
        if (!catalog.TryGet(value.Instrument, out var definition))
        {
            return $"unknown instrument '{value.Instrument}'; GET /api/v1/instruments lists them";
        }

        if (!InventorySeries.TryNormalize(value.Series, out string series))
        {
            return $"unknown series '{UntrustedText.Printable(value.Series ?? "")}'; series are {string.Join(", ", InventorySeries.All)}";
        }

        if (value.AsOf < new DateOnly(1970, 1, 1) || value.AsOf > DateOnly.FromDateTime(now.UtcDateTime.AddDays(1)))
        {
            return $"'asOf' {value.AsOf:yyyy-MM-dd} is not a date from 1970 to tomorrow";
        }

        var baseUnit = InventorySeries.BaseUnit(series, definition.PreciousMetal);
        if (!QuantityUnits.TryConvert(value.Quantity, value.Unit, baseUnit, out double quantity))
        {
            return $"'{series}' is kept in {baseUnit.Symbol()}; {value.Unit.Symbol()} cannot be converted to it";
        }

        if (!double.IsFinite(quantity) || Math.Abs(quantity) > MarketLimits.MaxQuantity)
        {
            return $"'quantity' must be at most {MarketLimits.MaxQuantity:0e0} {baseUnit.Symbol()} in magnitude, got {value.Quantity} {value.Unit.Symbol()}";
        }

        if (quantity < 0 && !InventorySeries.IsNet(series))
        {
            return $"'quantity' must not be negative for {series}, got {value.Quantity}";
        }

        if (!InventoryLocation.TryNormalize(value.Location, out string? location, out string error))
        {
            return error;
        }

        normalized = new InventoryValue(definition.Id, series, value.AsOf, value.PublishedAt, quantity, baseUnit) { Location = location };
        return null;
    }
}
