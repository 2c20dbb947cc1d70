using System.Buffers;
using System.Text.Json;
using Monitor.Core.Market;

namespace Monitor.Cli.Feed;

/// <summary>
/// A JSON array of ticks being written into a reusable buffer. It also keeps, for each instrument in the batch, the
/// time of its newest tick (what a quote reflecting the batch carries as its <c>ts</c>) and how many ticks it has.
/// </summary>
internal sealed class TickBatchWriter : IDisposable
{
    private static readonly JsonEncodedText InstrumentName = JsonEncodedText.Encode("instrument");
    private static readonly JsonEncodedText TsName = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText PriceName = JsonEncodedText.Encode("price");
    private static readonly JsonEncodedText VolumeName = JsonEncodedText.Encode("volume");
    private static readonly JsonEncodedText SeqName = JsonEncodedText.Encode("seq");

    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;
    private readonly List<NewestTick> _newest = [];

    /// <summary>By instrument index: 1 + the position of its entry in <see cref="_newest"/>, 0 when it has none.</summary>
    private readonly int[] _newestSlot;

    /// <param name="instruments">How many instruments there are; <see cref="Add"/> takes indexes below this.</param>
    public TickBatchWriter(int instruments)
    {
        _writer = new Utf8JsonWriter(_buffer);
        _newestSlot = new int[instruments];
    }

    public int Count { get; private set; }

    /// <summary>The <see cref="TimeProvider"/> timestamp of the first tick.</summary>
    public long StartedAt { get; private set; }

    public ReadOnlyMemory<byte> Json => _buffer.WrittenMemory;

    /// <summary>For each instrument in the batch, its newest tick's time and its number of ticks.</summary>
    public IReadOnlyList<NewestTick> NewestTicks => _newest;

    public void Begin(long startedAt)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartArray();
        Count = 0;
        StartedAt = startedAt;
        foreach (var newest in _newest)
        {
            _newestSlot[newest.Instrument] = 0;
        }

        _newest.Clear();
    }

    /// <param name="tick">The tick.</param>
    /// <param name="instrument">The index of its instrument.</param>
    /// <param name="name">Its instrument id, encoded.</param>
    public void Add(in Tick tick, int instrument, JsonEncodedText name)
    {
        int slot = _newestSlot[instrument] - 1;
        if (slot < 0)
        {
            _newest.Add(new NewestTick(instrument, tick.Time, 1));
            _newestSlot[instrument] = _newest.Count;
        }
        else
        {
            var newest = _newest[slot];
            _newest[slot] = new NewestTick(instrument, tick.Time > newest.Time ? tick.Time : newest.Time, newest.Ticks + 1);
        }

        _writer.WriteStartObject();
        _writer.WriteString(InstrumentName, name);
        _writer.WriteString(TsName, tick.Time);
        _writer.WriteNumber(PriceName, tick.Price);
        _writer.WriteNumber(VolumeName, tick.Volume);
        _writer.WriteNumber(SeqName, tick.Seq);
        _writer.WriteEndObject();
        Count++;
    }

    public TickBatchWriter Complete()
    {
        _writer.WriteEndArray();
        _writer.Flush();
        return this;
    }

    public void Dispose() => _writer.Dispose();
}

/// <summary>The time of the newest tick of instrument number <paramref name="Instrument"/> in a batch, and how many ticks it has there.</summary>
internal readonly record struct NewestTick(int Instrument, DateTimeOffset Time, int Ticks);
