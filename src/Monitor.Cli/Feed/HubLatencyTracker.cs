using System.Collections.Frozen;
using System.Diagnostics;

namespace Monitor.Cli.Feed;

/// <summary>
/// Tick-to-client latency of the hub's quotes (<c>monitor feed --measure-latency</c>), for every tick sent.
/// </summary>
/// <remarks>
/// <para>Just before a batch is sent, <see cref="RecordSent(TickBatchWriter, long)"/> remembers, for each instrument in
/// it, the <c>ts</c> of its newest tick and how many ticks it has, with the <see cref="Stopwatch"/> timestamp of the
/// send. A quote carries the <c>ts</c> of the newest tick it reflects. When one arrives, <see cref="RecordQuote"/>
/// takes every entry of that instrument whose newest tick is not after the quote's <c>ts</c>: each of their ticks is
/// now on screen, and is recorded once with arrival − send. A tick whose own quote was coalesced away is measured
/// until the later quote that carries it, so a server that makes ticks wait shows it. Both times are monotonic
/// <see cref="Stopwatch"/> timestamps, so wall-clock steps do not matter; <c>ts</c> is compared to the microsecond, as
/// the server stores it. A quote that reflects nothing sent (another feed's, a repeat) is counted in
/// <see cref="Unknown"/>.</para>
/// <para>Entries are kept per instrument in send order (one poster sends all of an instrument's batches, one after
/// another), each instrument under its own lock: the only contention is between that instrument's poster and the hub
/// connection's receive loop.</para>
/// <para>Percentiles come from <see cref="LatencyHistogram"/> over every tick (see its remarks).</para>
/// <para>The server's <c>seq</c> increases per instrument over all its messages (quotes and inventory values), so
/// <see cref="RecordSeq"/> takes the seq of the instrument's other messages too: a gap is a jump of more than one.</para>
/// </remarks>
internal sealed class HubLatencyTracker
{
    /// <summary>Entries kept per instrument at most; the oldest go first (a server that never quotes them).</summary>
    private const int MaxPendingPerInstrument = 10_000;

    private readonly IReadOnlyList<string> _instruments;

    /// <summary>Per client, per instrument: <c>_tracks[client][instrument]</c>.</summary>
    private readonly InstrumentTrack[][] _tracks;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _index;
    private readonly LatencyRecorder[] _clientLatency;
    private long _unknown;

    /// <param name="instruments">The instrument ids watched: the first ones fed, so batches name them by their index here;
    /// ticks of instruments past these are not measured.</param>
    /// <param name="clients">Hub connections that each receive every instrument's quotes; each is tracked on its own.</param>
    public HubLatencyTracker(IReadOnlyList<string> instruments, int clients = 1)
    {
        _instruments = instruments;
        _tracks = [.. Enumerable.Range(0, clients).Select(_ => instruments.Select(id => new InstrumentTrack()).ToArray())];
        _index = instruments.Select((id, i) => (id, i)).ToFrozenDictionary(x => x.id, x => x.i, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _clientLatency = [.. Enumerable.Range(0, clients).Select(_ => new LatencyRecorder())];
    }

    /// <summary>For every tick, from sending it to receiving a quote that reflects it, over all clients.</summary>
    public LatencyRecorder Latency { get; } = new();

    /// <summary>The hub connections tracked.</summary>
    public int Clients => _tracks.Length;

    /// <summary>The latency of each client's ticks.</summary>
    public IEnumerable<LatencyHistogram> ClientLatencies => _clientLatency.Select(l => l.Total);

    /// <summary>Samples recorded before this <see cref="Stopwatch"/> timestamp stay out of the totals.</summary>
    public void CountFrom(long timestamp)
    {
        Latency.CountFrom(timestamp);
        foreach (var client in _clientLatency)
        {
            client.CountFrom(timestamp);
        }
    }

    /// <summary>Quotes whose instrument and ts this feed did not post.</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>Quotes received for the instruments fed, those with an unknown ts included.</summary>
    public long Quotes => _tracks.Sum(c => c.Sum(t => t.Counts.Quotes));

    /// <summary>Gaps in seq, over all instruments.</summary>
    public long Gaps => _tracks.Sum(c => c.Sum(t => t.Counts.Gaps));

    /// <summary>Whether every instrument's newest posted tick has been quoted to every client.</summary>
    public bool AllAnswered => _tracks.All(c => c.All(t => t.AllAnswered));

    /// <summary>Per instrument, in the order given to the constructor; summed over the clients.</summary>
    public IEnumerable<(string Instrument, HubCounts Counts)> Instruments => _instruments.Select((id, i) =>
        (id, new HubCounts(_tracks.Sum(c => c[i].Counts.Quotes), _tracks.Sum(c => c[i].Counts.Gaps))));

    /// <summary>Remembers the batch's ticks per instrument, sent at <paramref name="sentAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RecordSent(TickBatchWriter batch, long sentAt)
    {
        var newest = batch.NewestTicks;
        for (int i = 0; i < newest.Count; i++)
        {
            RecordSent(newest[i].Instrument, newest[i].Time, sentAt, newest[i].Ticks);
        }
    }

    /// <summary>Remembers that <paramref name="ticks"/> ticks of instrument number <paramref name="instrument"/>, the newest
    /// at <paramref name="ts"/>, were sent at <paramref name="sentAt"/>.</summary>
    public void RecordSent(int instrument, DateTimeOffset ts, long sentAt, int ticks = 1)
    {
        if (instrument >= _instruments.Count)
        {
            return;
        }

        foreach (var client in _tracks)
        {
            client[instrument].Sent(Key(ts), ticks, sentAt);
        }
    }

    /// <summary>A quote arrived at hub connection <paramref name="client"/> at <paramref name="arrivedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RecordQuote(ReadOnlySpan<char> instrument, DateTimeOffset ts, long seq, long arrivedAt, int client = 0)
    {
        if (!_index.TryGetValue(instrument, out int i))
        {
            Interlocked.Increment(ref _unknown);
            return;
        }

        if (_tracks[client][i].Quoted(Key(ts), seq, arrivedAt, Latency, _clientLatency[client]) == 0)
        {
            Interlocked.Increment(ref _unknown);
        }
    }

    /// <summary>Another message of <paramref name="instrument"/> that carries its seq (an inventory value).</summary>
    public void RecordSeq(ReadOnlySpan<char> instrument, long seq, int client = 0)
    {
        if (_index.TryGetValue(instrument, out int i))
        {
            _tracks[client][i].Sequenced(seq);
        }
    }

    /// <summary>Unix microseconds, truncated as the server stores a tick's time.</summary>
    private static long Key(DateTimeOffset ts) => (ts.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private sealed class InstrumentTrack
    {
        private readonly Lock _lock = new();
        private readonly Queue<(long Key, int Ticks, long SentAt)> _pending = new();
        private long? _lastSeq;
        private long _quotes;
        private long _gaps;

        public HubCounts Counts
        {
            get
            {
                lock (_lock)
                {
                    return new HubCounts(_quotes, _gaps);
                }
            }
        }

        public bool AllAnswered
        {
            get
            {
                lock (_lock)
                {
                    return _pending.Count == 0;
                }
            }
        }

        public void Sent(long key, int ticks, long sentAt)
        {
            lock (_lock)
            {
                if (_pending.Count == MaxPendingPerInstrument)
                {
                    _pending.Dequeue();
                }

                _pending.Enqueue((key, ticks, sentAt));
            }
        }

        /// <summary>Records every pending tick the quote of <paramref name="key"/> reflects; answers how many entries that was.</summary>
        public int Quoted(long key, long seq, long arrivedAt, LatencyRecorder all, LatencyRecorder client)
        {
            lock (_lock)
            {
                _quotes++;
                SequencedLocked(seq);
                int reflected = 0;
                while (_pending.TryPeek(out var entry) && entry.Key <= key)
                {
                    _pending.Dequeue();
                    var latency = Stopwatch.GetElapsedTime(entry.SentAt, arrivedAt);
                    all.Record(latency, entry.Ticks);
                    client.Record(latency, entry.Ticks);
                    reflected++;
                }

                return reflected;
            }
        }

        public void Sequenced(long seq)
        {
            lock (_lock)
            {
                SequencedLocked(seq);
            }
        }

        private void SequencedLocked(long seq)
        {
            if (_lastSeq is { } last && seq > last + 1)
            {
                _gaps++;
            }

            _lastSeq = Math.Max(seq, _lastSeq ?? seq);
        }
    }
}

/// <summary>What the hub sent for one instrument: quotes, and gaps seen in seq.</summary>
internal readonly record struct HubCounts(long Quotes, long Gaps);
