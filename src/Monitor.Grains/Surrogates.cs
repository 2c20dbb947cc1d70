using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;

namespace Monitor.Grains;

// Orleans serializes Monitor.Core's types through these surrogates, so the domain stays free of Orleans.
// Surrogates are plain field bags, the shape Orleans documents for them.
#pragma warning disable CA1051

[GenerateSerializer, Alias("Monitor.InstrumentId")]
public struct InstrumentIdSurrogate
{
    [Id(0)] public string Value;
}

[RegisterConverter]
public sealed class InstrumentIdConverter : IConverter<InstrumentId, InstrumentIdSurrogate>
{
    public InstrumentId ConvertFromSurrogate(in InstrumentIdSurrogate surrogate) => InstrumentId.Parse(surrogate.Value);

    public InstrumentIdSurrogate ConvertToSurrogate(in InstrumentId value) => new() { Value = value.Value };
}

[GenerateSerializer, Alias("Monitor.Bar")]
public struct BarSurrogate
{
    [Id(0)] public DateTimeOffset Time;
    [Id(1)] public double Open;
    [Id(2)] public double High;
    [Id(3)] public double Low;
    [Id(4)] public double Close;
    [Id(5)] public double Volume;
}

[RegisterConverter]
public sealed class BarConverter : IConverter<Bar, BarSurrogate>
{
    public Bar ConvertFromSurrogate(in BarSurrogate s) => new(s.Time, s.Open, s.High, s.Low, s.Close, s.Volume);

    public BarSurrogate ConvertToSurrogate(in Bar v) =>
        new() { Time = v.Time, Open = v.Open, High = v.High, Low = v.Low, Close = v.Close, Volume = v.Volume };
}

[GenerateSerializer, Alias("Monitor.TickDeletion")]
public struct TickDeletionSurrogate
{
    [Id(0)] public InstrumentId Instrument;
    [Id(1)] public DateTimeOffset From;
    [Id(2)] public DateTimeOffset To;
    [Id(3)] public string By;
    [Id(4)] public DateTimeOffset At;
    [Id(5)] public long Count;
}

[RegisterConverter]
public sealed class TickDeletionConverter : IConverter<TickDeletion, TickDeletionSurrogate>
{
    public TickDeletion ConvertFromSurrogate(in TickDeletionSurrogate s) => new(s.Instrument, s.From, s.To, s.By, s.At, s.Count);

    public TickDeletionSurrogate ConvertToSurrogate(in TickDeletion v) =>
        new() { Instrument = v.Instrument, From = v.From, To = v.To, By = v.By, At = v.At, Count = v.Count };
}

[GenerateSerializer, Alias("Monitor.Tick")]
public struct TickSurrogate
{
    [Id(0)] public InstrumentId Instrument;
    [Id(1)] public DateTimeOffset Time;
    [Id(2)] public double Price;
    [Id(3)] public double Volume;
    [Id(4)] public long Seq;
}

[RegisterConverter]
public sealed class TickConverter : IConverter<Tick, TickSurrogate>
{
    public Tick ConvertFromSurrogate(in TickSurrogate s) => new(s.Instrument, s.Time, s.Price, s.Volume, s.Seq);

    public TickSurrogate ConvertToSurrogate(in Tick v) =>
        new() { Instrument = v.Instrument, Time = v.Time, Price = v.Price, Volume = v.Volume, Seq = v.Seq };
}

[GenerateSerializer, Alias("Monitor.OpenBarState")]
public struct OpenBarStateSurrogate
{
    [Id(0)] public Bar Bar;
    [Id(1)] public DateTimeOffset OpenTickTime;
    [Id(2)] public DateTimeOffset CloseTickTime;
}

[RegisterConverter]
public sealed class OpenBarStateConverter : IConverter<OpenBarState, OpenBarStateSurrogate>
{
    public OpenBarState ConvertFromSurrogate(in OpenBarStateSurrogate s) => new(s.Bar, s.OpenTickTime, s.CloseTickTime);

    public OpenBarStateSurrogate ConvertToSurrogate(in OpenBarState v) =>
        new() { Bar = v.Bar, OpenTickTime = v.OpenTickTime, CloseTickTime = v.CloseTickTime };
}

[GenerateSerializer, Alias("Monitor.BarAggregatorState")]
public struct BarAggregatorStateSurrogate
{
    [Id(0)] public OpenBarState? OpenBar;
    [Id(1)] public DateTimeOffset ClosedThrough;
}

[RegisterConverter]
public sealed class BarAggregatorStateConverter : IConverter<BarAggregatorState, BarAggregatorStateSurrogate>
{
    public BarAggregatorState ConvertFromSurrogate(in BarAggregatorStateSurrogate s) => new(s.OpenBar, s.ClosedThrough);

    public BarAggregatorStateSurrogate ConvertToSurrogate(in BarAggregatorState v) =>
        new() { OpenBar = v.OpenBar, ClosedThrough = v.ClosedThrough };
}

[GenerateSerializer, Alias("Monitor.PipelineState")]
public struct PipelineStateSurrogate
{
    [Id(0)] public long LastSeq;
    [Id(1)] public Tick? LastTick;
    [Id(2)] public BarAggregatorState[] Aggregators;
    [Id(3)] public string[] Intervals;
}

[RegisterConverter]
public sealed class PipelineStateConverter : IConverter<PipelineState, PipelineStateSurrogate>
{
    public PipelineState ConvertFromSurrogate(in PipelineStateSurrogate s) => new(s.LastSeq, s.LastTick, s.Intervals ?? [], s.Aggregators);

    public PipelineStateSurrogate ConvertToSurrogate(in PipelineState v) =>
        new() { LastSeq = v.LastSeq, LastTick = v.LastTick, Intervals = [.. v.Intervals], Aggregators = [.. v.Aggregators] };
}

[GenerateSerializer, Alias("Monitor.InventoryValue")]
public struct InventoryValueSurrogate
{
    [Id(0)] public InstrumentId Instrument;
    [Id(1)] public string Series;
    [Id(2)] public DateOnly AsOf;
    [Id(3)] public DateTimeOffset PublishedAt;
    [Id(4)] public double Quantity;
    [Id(5)] public QuantityUnit Unit;
    [Id(6)] public string? Location;
}

[RegisterConverter]
public sealed class InventoryValueConverter : IConverter<InventoryValue, InventoryValueSurrogate>
{
    public InventoryValue ConvertFromSurrogate(in InventoryValueSurrogate s) =>
        new(s.Instrument, s.Series, s.AsOf, s.PublishedAt, s.Quantity, s.Unit) { Location = s.Location };

    public InventoryValueSurrogate ConvertToSurrogate(in InventoryValue v) => new()
    {
        Instrument = v.Instrument, Series = v.Series, AsOf = v.AsOf, PublishedAt = v.PublishedAt, Quantity = v.Quantity, Unit = v.Unit, Location = v.Location,
    };
}

[GenerateSerializer, Alias("Monitor.ClosedBar")]
public struct ClosedBarSurrogate
{
    [Id(0)] public string Interval;
    [Id(1)] public Bar Bar;
}

[RegisterConverter]
public sealed class ClosedBarConverter : IConverter<ClosedBar, ClosedBarSurrogate>
{
    public ClosedBar ConvertFromSurrogate(in ClosedBarSurrogate s) => new(BarInterval.Parse(s.Interval), s.Bar);

    public ClosedBarSurrogate ConvertToSurrogate(in ClosedBar v) => new() { Interval = v.Interval.Name, Bar = v.Bar };
}
