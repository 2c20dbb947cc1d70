using System.Buffers;
using System.Text.Json;
using Monitor.Core.Market;

namespace Monitor.Cli.Feed;

/// <summary>A JSON array of ticks being written into a reusable buffer.</summary>
internal sealed class TickBatchWriter : IDisposable
{
    private static readonly JsonEncodedText InstrumentName = JsonEncodedText.Encode("instrument");
    private static readonly JsonEncodedText TsName = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText PriceName = JsonEncodedText.Encode("price");
    private static readonly JsonEncodedText VolumeName = JsonEncodedText.Encode("volume");
    private static readonly JsonEncodedText SeqName = JsonEncodedText.Encode("seq");

    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;

    public TickBatchWriter() => _writer = new Utf8JsonWriter(_buffer);

    public int Count { get; private set; }

    /// <summary>The <see cref="TimeProvider"/> timestamp of the first tick.</summary>
    public long StartedAt { get; private set; }

    public ReadOnlyMemory<byte> Json => _buffer.WrittenMemory;

    public void Begin(long startedAt)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartArray();
        Count = 0;
        StartedAt = startedAt;
    }

    public void Add(in Tick tick, JsonEncodedText instrument)
    {
        _writer.WriteStartObject();
        _writer.WriteString(InstrumentName, instrument);
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
