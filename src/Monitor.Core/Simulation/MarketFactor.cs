namespace Monitor.Core.Simulation;

/// <summary>
/// The common drivers of the simulated prices. Each is a Brownian motion with unit annual variance (part of it
/// in jumps), independent of the others; an instrument's log price loads on them (<see cref="FactorLoadings"/>)
/// and adds noise of its own. The factors were built by Gram-Schmidt from weekly returns of the instrument named
/// in <see cref="FactorProfile.DefinedBy"/>, in enum order: each is what its instrument does beyond the factors before it.
/// </summary>
public enum MarketFactor
{
    /// <summary>COMEX gold.</summary>
    Gold,

    /// <summary>COMEX silver beyond gold.</summary>
    Silver,

    /// <summary>COMEX copper beyond gold and silver.</summary>
    Copper,

    /// <summary>Equities (SMH) beyond the metals.</summary>
    Equity,

    /// <summary>Gold miners (GDX) beyond metals and equities.</summary>
    GoldMiners,

    /// <summary>Platinum beyond all of the above.</summary>
    PlatinumGroup,

    /// <summary>Rare earths and lithium (REMX) beyond all of the above.</summary>
    BatteryMetals,
}

/// <summary>
/// An instrument's correlation with each factor. As the factors are independent with unit variance, the
/// correlation of two instruments is the sum of the products of their loadings, and an instrument's own noise
/// carries the variance share <c>1 - SumOfSquares</c>.
/// </summary>
public readonly record struct FactorLoadings(
    double Gold = 0,
    double Silver = 0,
    double Copper = 0,
    double Equity = 0,
    double GoldMiners = 0,
    double PlatinumGroup = 0,
    double BatteryMetals = 0)
{
    public const int Count = 7;

    public double Get(MarketFactor factor) => factor switch
    {
        MarketFactor.Gold => Gold,
        MarketFactor.Silver => Silver,
        MarketFactor.Copper => Copper,
        MarketFactor.Equity => Equity,
        MarketFactor.GoldMiners => GoldMiners,
        MarketFactor.PlatinumGroup => PlatinumGroup,
        MarketFactor.BatteryMetals => BatteryMetals,
        _ => throw new ArgumentOutOfRangeException(nameof(factor), factor, null),
    };

    public double SumOfSquares
    {
        get
        {
            double sum = 0;
            for (int k = 0; k < Count; k++)
            {
                double loading = Get((MarketFactor)k);
                sum += loading * loading;
            }

            return sum;
        }
    }

    /// <summary>The model correlation of two instruments with these loadings.</summary>
    public double Dot(FactorLoadings other)
    {
        double sum = 0;
        for (int k = 0; k < Count; k++)
        {
            sum += Get((MarketFactor)k) * other.Get((MarketFactor)k);
        }

        return sum;
    }

    public FactorLoadings Scale(double factor) =>
        new(Gold * factor, Silver * factor, Copper * factor, Equity * factor, GoldMiners * factor, PlatinumGroup * factor, BatteryMetals * factor);
}

/// <summary>
/// How a factor jumps: on average <paramref name="JumpsPerYear"/> times a (trading) year, each jump normal with standard
/// deviation <paramref name="JumpSize"/> in units of the factor's annual standard deviation. The jumps' share of the
/// factor's variance is <c>JumpsPerYear * JumpSize^2</c>; diffusion carries the rest.
/// </summary>
public sealed record FactorProfile(MarketFactor Factor, string DefinedBy, double JumpsPerYear, double JumpSize)
{
    public double JumpVarianceShare => JumpsPerYear * JumpSize * JumpSize;
}

/// <summary>
/// The price model of one instrument: starting price, total annualised volatility (jumps included), factor
/// loadings, and the exchange's price increment and trade sizes used for printing ticks.
/// </summary>
public sealed record InstrumentProfile(
    Market.InstrumentId Instrument,
    double StartPrice,
    double AnnualVolatility,
    FactorLoadings Loadings,
    double TickSize,
    double LotSize,
    double MeanLots)
{
    /// <summary>The instrument's own (idiosyncratic) share of its standard deviation, <c>sqrt(1 - sum of squared loadings)</c>.</summary>
    public double IdiosyncraticShare => Math.Sqrt(Math.Max(0, 1 - Loadings.SumOfSquares));
}
