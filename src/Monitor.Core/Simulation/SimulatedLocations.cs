using Monitor.Core.Market;

namespace Monitor.Core.Simulation;

/// <summary>
/// Where a simulated total is held: the depositories or warehouse locations a publisher lists, each with a share of
/// the total that drifts slowly with the activity date (each location on its own period), so locations move apart
/// while the total moves as the model says. The split draws no random numbers: adding it changes nothing else a seeded
/// run produces. Quantities are whole units and add up to the total exactly.
/// </summary>
internal sealed class SimulatedLocations
{
    /// <summary>How far a location's share swings around its base weight (a fraction of it).</summary>
    private const double Swing = 0.25;

    private readonly string[] _names;
    private readonly double[] _weights;
    private readonly double[] _shares;
    private readonly double[] _exact;
    private readonly long[] _whole;

    public SimulatedLocations(params (string Name, double Weight)[] locations)
    {
        _names = [.. locations.Select(l => l.Name)];
        _weights = [.. locations.Select(l => l.Weight)];
        _shares = new double[_names.Length];
        _exact = new double[_names.Length];
        _whole = new long[_names.Length];
    }

    public IReadOnlyList<string> Names => _names;

    /// <summary>The COMEX depositories that hold silver and gold (names as the CME's stock reports print them).</summary>
    public static SimulatedLocations ComexSilver() => new(
        ("BRINK'S INC", 0.12), ("CNT DEPOSITORY", 0.08), ("DELAWARE DEPOSITORY", 0.05), ("HSBC BANK USA", 0.07),
        ("INTERNATIONAL DEPOSITORY SERVICES", 0.06), ("JP MORGAN CHASE BANK NA", 0.38), ("LOOMIS INTERNATIONAL", 0.10),
        ("MALCA-AMIT USA", 0.04), ("MANFRA, TORDELLA & BROOKES", 0.10));

    public static SimulatedLocations ComexGold() => new(
        ("ASAHI REFINING USA", 0.02), ("BRINK'S INC", 0.18), ("DELAWARE DEPOSITORY", 0.03), ("HSBC BANK USA", 0.15),
        ("INTERNATIONAL DEPOSITORY SERVICES", 0.05), ("JP MORGAN CHASE BANK NA", 0.30), ("LOOMIS INTERNATIONAL", 0.07),
        ("MALCA-AMIT USA", 0.14), ("MANFRA, TORDELLA & BROOKES", 0.06));

    /// <summary>LME warehouse locations (as the LME's stocks report names them).</summary>
    public static SimulatedLocations LmeCopper() => new(
        ("Busan", 0.10), ("Gwangyang", 0.12), ("Kaohsiung", 0.08), ("New Orleans", 0.20), ("Port Klang", 0.10),
        ("Rotterdam", 0.15), ("Singapore", 0.25));

    public static SimulatedLocations LmeAluminium() => new(
        ("Detroit", 0.05), ("Gwangyang", 0.20), ("Johor", 0.10), ("Port Klang", 0.45), ("Singapore", 0.10), ("Vlissingen", 0.10));

    /// <summary>Splits <paramref name="total"/> (whole units) over the locations as of <paramref name="asOf"/>; adds a value per location.</summary>
    public void Split(in InventoryValue total, List<InventoryValue> output)
    {
        var shares = Shares(total.AsOf);
        var parts = Allocate(total.Quantity, shares);
        for (int i = 0; i < _names.Length; i++)
        {
            output.Add(total with { Quantity = parts[i], Location = _names[i] });
        }
    }

    /// <summary>
    /// The LME's split: stocks and cancelled tonnes over the same shares, on-warrant the rest at each location, so every
    /// location's stocks are its on-warrant plus cancelled tonnes, as the totals are.
    /// </summary>
    public void SplitWarrants(in InventoryValue stocks, in InventoryValue cancelled, List<InventoryValue> output)
    {
        var shares = Shares(stocks.AsOf);
        double[] stocksAt = [.. Allocate(stocks.Quantity, shares)];
        double[] cancelledAt = [.. Allocate(cancelled.Quantity, shares)];
        for (int i = 0; i < _names.Length; i++)
        {
            // Rounding may give a location a tonne more cancelled than it holds: move it to the next location's.
            if (cancelledAt[i] > stocksAt[i])
            {
                double excess = cancelledAt[i] - stocksAt[i];
                cancelledAt[i] -= excess;
                cancelledAt[(i + 1) % _names.Length] += excess;
            }
        }

        for (int i = 0; i < _names.Length; i++)
        {
            output.Add(stocks with { Quantity = stocksAt[i], Location = _names[i] });
            output.Add(stocks with { Series = InventorySeries.OnWarrant, Quantity = stocksAt[i] - cancelledAt[i], Location = _names[i] });
            output.Add(stocks with { Series = InventorySeries.Cancelled, Quantity = cancelledAt[i], Location = _names[i] });
        }
    }

    private double[] Shares(DateOnly asOf)
    {
        double sum = 0;
        for (int i = 0; i < _names.Length; i++)
        {
            // Periods of 20, 27, 34... days: locations drift out of step with one another.
            double period = 20 + (7 * i);
            _shares[i] = _weights[i] * (1 + (Swing * Math.Sin(2 * Math.PI * asOf.DayNumber / period)));
            sum += _shares[i];
        }

        for (int i = 0; i < _names.Length; i++)
        {
            _shares[i] /= sum;
        }

        return _shares;
    }

    /// <summary>Whole units per location adding up to <paramref name="total"/>: floors, then the remainders largest first.</summary>
    private long[] Allocate(double total, double[] shares)
    {
        long whole = (long)Math.Round(total);
        long left = whole;
        for (int i = 0; i < shares.Length; i++)
        {
            _exact[i] = whole * shares[i];
            _whole[i] = (long)Math.Floor(_exact[i]);
            left -= _whole[i];
        }

        foreach (int i in Enumerable.Range(0, shares.Length).OrderByDescending(i => _exact[i] - _whole[i]).ThenBy(i => i).Take((int)left))
        {
            _whole[i]++;
        }

        return _whole;
    }
}
