using System.Diagnostics;
using System.Text.Json;
using Monitor.Cli.Feed;
using Monitor.Core.Market;

namespace Monitor.Cli.Tests;

/// <summary>The matching of quotes to posted batches behind <c>monitor feed --measure-latency</c>, on made-up clocks.</summary>
public sealed class FeedHubLatencyTrackerTests
{
    private const string Silver = "COMEX:SI";
    private const string Slv = "ETF:SLV";
    private static readonly DateTimeOffset T0 = new(2026, 1, 14, 15, 30, 0, TimeSpan.Zero);

    /// <summary>The histogram's resolution: a percentile is within ±1.1 % of the exact nearest-rank value.</summary>
    private const double Resolution = 0.011;

    [Fact]
    public void KnownSendAndArrivalTimes_GiveTheNearestRankPercentilesAndTheExactMax()
    {
        var tracker = new HubLatencyTracker([Silver, Slv]);
        // Batch k (1..100) is quoted (k * 37) mod 101 ms after it was sent: every latency from 1 to 100 ms once, out of order.
        for (int k = 1; k <= 100; k++)
        {
            int instrument = k % 2;
            var ts = T0.AddSeconds(k);
            long sentAt = At(k * 1000.0);
            tracker.RecordSent(instrument, ts, sentAt);
            tracker.RecordQuote(instrument == 0 ? Silver : Slv, ts, k, sentAt + At(k * 37 % 101));
        }

        var latency = tracker.Latency.Total;
        Assert.Equal(100, latency.Count);
        AssertNear(50, latency.Percentile(0.50));
        AssertNear(90, latency.Percentile(0.90));
        AssertNear(99, latency.Percentile(0.99));
        Assert.Equal(TimeSpan.FromMilliseconds(100), latency.Max);
        Assert.Equal(0, tracker.Unknown);
        Assert.Equal(100, tracker.Quotes);
        Assert.True(tracker.AllAnswered);
    }

    [Fact]
    public void CoalescedBatches_EveryTickIsMeasuredUntilTheQuoteThatCarriesIt()
    {
        var tracker = new HubLatencyTracker([Silver]);
        tracker.RecordSent(0, T0.AddMilliseconds(100), At(0), ticks: 2);
        tracker.RecordSent(0, T0.AddMilliseconds(200), At(10));
        tracker.RecordSent(0, T0.AddMilliseconds(300), At(20));
        Assert.False(tracker.AllAnswered);

        tracker.RecordQuote(Silver, T0.AddMilliseconds(300), seq: 1, arrivedAt: At(25));
        tracker.RecordQuote(Silver, T0.AddMilliseconds(100), seq: 2, arrivedAt: At(30));

        // The quote of the newest batch shows the older ones' ticks too: each waited from its own send until then.
        var latency = tracker.Latency.Total;
        Assert.Equal(4, latency.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(25), latency.Max);
        AssertNear(5, latency.Percentile(0.25));
        AssertNear(15, latency.Percentile(0.50));
        AssertNear(25, latency.Percentile(0.75));
        Assert.Equal(1, tracker.Unknown);
        Assert.True(tracker.AllAnswered);
    }

    [Fact]
    public void QuoteOfNoTickSent_IgnoredAndCounted_ALaterOneCarriesTheTicksBeforeIt()
    {
        var tracker = new HubLatencyTracker([Silver, Slv]);
        tracker.RecordSent(0, T0, At(0));

        tracker.RecordQuote(Silver, T0.AddHours(-1), seq: 1, arrivedAt: At(1));
        tracker.RecordQuote(Slv, T0, seq: 1, arrivedAt: At(3));
        tracker.RecordQuote("COMEX:GC", T0, seq: 1, arrivedAt: At(4));
        Assert.Equal(0, tracker.Latency.Total.Count);
        Assert.False(tracker.AllAnswered);

        tracker.RecordQuote(Silver, T0.AddHours(1), seq: 2, arrivedAt: At(8));
        tracker.RecordQuote(Silver, T0, seq: 3, arrivedAt: At(9));

        Assert.Equal(1, tracker.Latency.Total.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(8), tracker.Latency.Total.Max);
        Assert.Equal(4, tracker.Unknown);
        Assert.Equal(4, tracker.Quotes);
        Assert.True(tracker.AllAnswered);
    }

    [Fact]
    public void TsWithSubMicrosecondDigits_MatchesAQuoteThatCarriesItToTheMicrosecond()
    {
        var tracker = new HubLatencyTracker([Silver]);
        tracker.RecordSent(0, T0.AddTicks(1_234_567), At(0));

        tracker.RecordQuote(Silver, T0.AddTicks(1_234_560), seq: 1, arrivedAt: At(2));

        Assert.Equal(1, tracker.Latency.Total.Count);
        Assert.Equal(0, tracker.Unknown);
    }

    [Fact]
    public void TicksOfInstrumentsNotWatched_AreNotMeasured()
    {
        var tracker = new HubLatencyTracker([Silver]);
        tracker.RecordSent(1, T0, At(0), ticks: 5); // the second instrument fed, not watched
        tracker.RecordSent(0, T0, At(0), ticks: 2);

        tracker.RecordQuote(Silver, T0, seq: 1, arrivedAt: At(3));

        Assert.Equal(2, tracker.Latency.Total.Count);
        Assert.True(tracker.AllAnswered);
    }

    [Fact]
    public void SeqJumps_CountedAsGapsPerInstrumentWithInventorySeqInBetween()
    {
        var tracker = new HubLatencyTracker([Silver, Slv]);

        foreach (long seq in new long[] { 1, 2, 4, 6, 7, 10 })
        {
            if (seq == 4)
            {
                tracker.RecordSeq(Silver, 3); // an inventory value
            }

            tracker.RecordQuote(Silver, T0, seq, At(0));
        }

        tracker.RecordQuote(Slv, T0, 5, At(0));
        tracker.RecordQuote(Slv, T0, 6, At(0));
        tracker.RecordSeq("COMEX:GC", 9);

        var counts = tracker.Instruments.ToDictionary(i => i.Instrument, i => i.Counts);
        Assert.Equal(new HubCounts(Quotes: 6, Gaps: 2), counts[Silver]);
        Assert.Equal(new HubCounts(Quotes: 2, Gaps: 0), counts[Slv]);
        Assert.Equal(2, tracker.Gaps);
    }

    [Fact]
    public void Batch_EachInstrumentsNewestTickAndTickCountAreRememberedAndAReusedBatchForgetsThePrevious()
    {
        var tracker = new HubLatencyTracker([Silver, Slv]);
        using var batch = new TickBatchWriter(instruments: 2);
        var silver = JsonEncodedText.Encode(Silver);
        var slv = JsonEncodedText.Encode(Slv);
        batch.Begin(0);
        batch.Add(new Tick(InstrumentId.Parse(Silver), T0, 80, 1, 1), 0, silver);
        batch.Add(new Tick(InstrumentId.Parse(Slv), T0.AddMilliseconds(5), 70, 1, 1), 1, slv);
        batch.Add(new Tick(InstrumentId.Parse(Silver), T0.AddMilliseconds(10), 80, 1, 2), 0, silver);
        batch.Complete();
        tracker.RecordSent(batch, At(0));
        batch.Begin(0);
        batch.Add(new Tick(InstrumentId.Parse(Slv), T0.AddMilliseconds(20), 70, 1, 2), 1, slv);
        batch.Complete();
        tracker.RecordSent(batch, At(1));

        Assert.Equal(new[] { new NewestTick(1, T0.AddMilliseconds(20), 1) }, batch.NewestTicks);
        tracker.RecordQuote(Silver, T0, 1, At(3));
        tracker.RecordQuote(Silver, T0.AddMilliseconds(10), 2, At(4));
        tracker.RecordQuote(Slv, T0.AddMilliseconds(5), 1, At(5));
        tracker.RecordQuote(Slv, T0.AddMilliseconds(20), 2, At(7));

        Assert.Equal(4, tracker.Latency.Total.Count); // Silver's two ticks of the first batch, and one of SLV's in each
        Assert.Equal(1, tracker.Unknown);
        Assert.Equal(TimeSpan.FromMilliseconds(6), tracker.Latency.Total.Max);
        Assert.True(tracker.AllAnswered);
    }

    [Fact]
    public void PostersAndQuotesOnManyThreads_EveryQuoteMatchedOnce()
    {
        string[] instruments = ["COMEX:SI", "COMEX:GC", "ETF:SLV", "ETF:GLD", "LME:CA", "LME:AH"];
        var tracker = new HubLatencyTracker(instruments);
        const int Batches = 2000;
        var posted = new int[instruments.Length];

        // Per instrument a poster thread and a quoting thread; a tick is quoted only once it has been posted.
        var threads = Enumerable.Range(0, instruments.Length).SelectMany(instrument => new[]
        {
            new Thread(() =>
            {
                for (int k = 1; k <= Batches; k++)
                {
                    tracker.RecordSent(instrument, T0.AddMilliseconds(k), Stopwatch.GetTimestamp());
                    Volatile.Write(ref posted[instrument], k);
                }
            }),
            new Thread(() =>
            {
                for (int k = 1; k <= Batches; k++)
                {
                    var spin = new SpinWait();
                    while (Volatile.Read(ref posted[instrument]) < k)
                    {
                        spin.SpinOnce();
                    }

                    tracker.RecordQuote(instruments[instrument], T0.AddMilliseconds(k), k, Stopwatch.GetTimestamp());
                }
            }),
        }).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(FeedInvocation.Deadline)));

        Assert.Equal(instruments.Length * Batches, tracker.Latency.Total.Count);
        Assert.Equal(0, tracker.Unknown);
        Assert.Equal(0, tracker.Gaps);
        Assert.True(tracker.AllAnswered);
    }

    private static long At(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    private static void AssertNear(double expectedMilliseconds, TimeSpan actual) =>
        Assert.InRange(actual.TotalMilliseconds, expectedMilliseconds * (1 - Resolution), expectedMilliseconds * (1 + Resolution));
}
