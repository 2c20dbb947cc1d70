using System.Collections.Concurrent;
using System.Globalization;

namespace Monitor.Cluster.Tests;

/// <summary>One acknowledged tick: its instrument, its seq, when the attempt that succeeded was sent and when its 200 came back.</summary>
internal sealed record Ack(string Instrument, long Seq, DateTimeOffset Sent, DateTimeOffset At);

/// <summary>
/// A steady feed as a careful producer runs one: a sender per instrument posts its next tick (seq 1, 2, ...,
/// volume 1, event time 100 ms apart) every <see cref="Period"/>, and sends a tick again, with the same seq, until
/// a silo acknowledges it. <see cref="Pick"/> chooses the silo for each attempt. Every answer other than 200 is kept
/// in <see cref="Failures"/>; attempts no silo answered (it was down) in <see cref="Unanswered"/>.
/// </summary>
internal sealed class SteadyFeed : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-02T14:00:00Z", CultureInfo.InvariantCulture);

    public const string RuleId = "above-100";

    private const int PhaseTicks = 10;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentQueue<Ack> _acks = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentQueue<string> _unanswered = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _senders;

    /// <param name="ruleInstrument">The instrument whose price moves above and below 100 every 10 ticks, for <see cref="Rule"/>.</param>
    public SteadyFeed(IReadOnlyList<string> instruments, string ruleInstrument, Func<int, HttpClient> pick)
    {
        Pick = pick;
        RuleInstrument = ruleInstrument;
        _senders = [.. instruments.Select(SendAsync)];
    }

    public string RuleInstrument { get; }

    /// <summary>The client for the given attempt at a tick (0 for the first).</summary>
    public Func<int, HttpClient> Pick { get; set; }

    public IReadOnlyList<Ack> Acks => [.. _acks];

    public IReadOnlyList<string> Failures => [.. _failures];

    public IReadOnlyList<string> Unanswered => [.. _unanswered];

    /// <summary>The rule the feed makes fire and resolve, evaluated on every tick.</summary>
    public static string Rule(string instrument) => $$$"""
        {"id":"{{{RuleId}}}","name":"Above 100","type":"threshold","severity":"warning","interval":"1m","evaluate":"tick",
         "params":{"input":"{{{instrument}}}","op":"above","value":100}}
        """;

    /// <summary>
    /// A rule over two instruments, so it runs in a rule grain, that fires and resolves with <see cref="Rule"/>: the rule
    /// instrument (90 or 110) against another one (50 plus or minus 1) is 40 or 60 apart.
    /// </summary>
    public static string SpreadRule(string id, string ruleInstrument, string other) => $$$"""
        {"id":"{{{id}}}","name":"Spread above 50","type":"spread","severity":"warning","interval":"1m","evaluate":"tick",
         "params":{"near":"{{{ruleInstrument}}}","far":"{{{other}}}","op":"above","value":50}}
        """;

    /// <summary>Whether the rule's input is above 100 at this seq; whole phases of <see cref="PhaseTicks"/> ticks.</summary>
    public static bool Above(long seq) => (seq - 1) / PhaseTicks % 2 == 1;

    /// <summary>Waits until every instrument has an acknowledgement after <paramref name="after"/>.</summary>
    public Task WaitForAcksAsync(DateTimeOffset after, TimeSpan timeout, string because) =>
        Eventually.GetAsync(
            () => Task.FromResult(_acks.Where(a => a.At > after).Select(a => a.Instrument).Distinct().Count()),
            n => n == _senders.Length,
            timeout,
            because);

    /// <summary>Waits until the rule's instrument has gone through <paramref name="phases"/> more phases (above or below 100) from now.</summary>
    public async Task WaitForRulePhasesAsync(int phases, TimeSpan timeout, string because)
    {
        long from = _acks.Where(a => a.Instrument == RuleInstrument).Select(a => a.Seq).DefaultIfEmpty().Max();
        await Eventually.GetAsync(
            () => Task.FromResult(_acks.Where(a => a.Instrument == RuleInstrument).Select(a => a.Seq).DefaultIfEmpty().Max()),
            seq => seq >= from + (phases * PhaseTicks),
            timeout,
            because);
    }

    /// <summary>Stops after the tick each sender is on is acknowledged: every tick sent counts.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    /// <summary>Accepted, or a duplicate of a tick stored by an attempt whose answer was lost; not rejected.</summary>
    private static async Task<bool> IsTakenAsync(HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        return body["accepted"]!.GetValue<int>() + body["duplicates"]!.GetValue<int>() == 1;
    }

    private async Task SendAsync(string instrument)
    {
        using var timer = new PeriodicTimer(Period);
        for (long seq = 1; !_stop.IsCancellationRequested; seq++)
        {
            double price = instrument == RuleInstrument ? (Above(seq) ? 110 : 90) : 50 + Math.Sin(seq * 0.3);
            object[] tick = [TestApi.Tick(instrument, Start.AddMilliseconds(seq * 100).ToString("O"), price, volume: 1, seq)];
            for (int attempt = 0; ; attempt++)
            {
                var sent = DateTimeOffset.UtcNow;
                try
                {
                    var response = await Pick(attempt).PostItemsAsync("/api/v1/ticks", tick);
                    if (response.IsSuccessStatusCode && await IsTakenAsync(response))
                    {
                        _acks.Enqueue(new Ack(instrument, seq, sent, DateTimeOffset.UtcNow));
                        break;
                    }

                    _failures.Enqueue($"{instrument} seq {seq}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException e)
                {
                    // The silo is gone or going: the next attempt may pick another.
                    _unanswered.Enqueue($"{instrument} seq {seq}: {e.Message}");
                }
            }

            try
            {
                await timer.WaitForNextTickAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
