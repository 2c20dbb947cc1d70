using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage;

/// <summary>Inventory units are stored as their symbols (<c>oz</c>, <c>t</c>, <c>contracts</c>...), readable in SQL.</summary>
internal static class StoredUnits
{
    public static QuantityUnit Parse(string symbol) =>
        QuantityUnits.TryParse(symbol, out var unit) ? unit : throw new InvalidDataException($"stored inventory unit '{symbol}' is not known");
}
