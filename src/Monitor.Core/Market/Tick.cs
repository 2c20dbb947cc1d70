namespace Monitor.Core.Market;

/// <summary>One trade or quote print. <paramref name="Seq"/> is the feed's own increasing number, 0 when absent.</summary>
public readonly record struct Tick(InstrumentId Instrument, DateTimeOffset Time, double Price, double Volume, long Seq = 0);
