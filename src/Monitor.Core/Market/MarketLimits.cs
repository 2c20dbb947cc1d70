namespace Monitor.Core.Market;

/// <summary>
/// The largest magnitudes the service accepts, so every sum, ratio and indicator computed from them stays a finite
/// number (a price of 1.7e308 would make the next change infinite).
/// </summary>
public static class MarketLimits
{
    /// <summary>A price must be above 0 and at most this.</summary>
    public const double MaxPrice = 1e9;

    /// <summary>A tick's volume must be from 0 to this.</summary>
    public const double MaxVolume = 1e12;

    /// <summary>An inventory quantity, in its series' base unit after conversion, must be at most this in magnitude.</summary>
    public const double MaxQuantity = 1e15;
}
