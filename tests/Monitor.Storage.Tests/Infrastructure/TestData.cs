using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage.Tests.Infrastructure;

public static class TestData
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 14, 15, 30, 0, TimeSpan.Zero);

    /// <summary>An instrument no other test uses.</summary>
    public static InstrumentId NewInstrument() => InstrumentId.Parse($"TEST:{Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()}");

    /// <summary>Ticks with indices <paramref name="firstIndex"/>.., one millisecond and a few microseconds apart.</summary>
    public static StoredTick[] Ticks(long firstIndex, int count, double basePrice = 82.57) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            long index = firstIndex + i;
            return new StoredTick(index, T0.AddTicks(index * 10_007 * 10), basePrice + index * 0.01, index % 3, index * 10, index % 7 == 0);
        })];

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
