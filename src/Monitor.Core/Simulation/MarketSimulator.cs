using Monitor.Core.Market;

namespace Monitor.Core.Simulation;

/// <summary>
/// A simulated metals market: ticks for the built-in instruments and published values of their inventory series,
/// with a divergence episode every few minutes. Pure and deterministic: no clock, no I/O; the same options, seed and
/// sequence of calls give the same output.
/// </summary>
/// <remarks>
/// <para><b>Prices.</b> Log prices follow a factor model fitted to daily history (<see cref="MarketCalibration"/>):
/// seven independent factors (gold, silver, copper, equities, gold miners, platinum group, battery metals), each a
/// Brownian motion with Poisson jumps, plus each instrument's own Brownian noise. Prices are geometric Brownian
/// motions with zero drift of the log price (the median stays at the start), exact at any spacing of ticks, always
/// positive, rounded to the exchange's price increment.</para>
/// <para>LME copper cash is the 3-month price less a calm contango, plus a share of the 3-month's episode move: a
/// copper squeeze rally flips the spread into backwardation (<see cref="MarketCalibration.LmeCopperCashSqueezeShare"/>).</para>
/// <para><b>Ticks.</b> Every call emits what happened since the previous one: ticks on an even grid of
/// <see cref="SimulatorOptions.TicksPerSecond"/>, each for an instrument picked at random, with a per-instrument
/// <see cref="Tick.Seq"/> equal to the tick's Unix time in microseconds (plus one when an instrument has two ticks in
/// the same microsecond), so a restarted feed continues above the previous run's numbers.</para>
/// <para><b>Inventories.</b> 17 series on 8 instruments, published in reports (CME silver, CME gold, LME copper, LME
/// aluminium, SLV, GLD, LBMA vaults, CFTC) at random intervals of <see cref="SimulatorOptions.InventoryMinInterval"/> to
/// <see cref="SimulatorOptions.InventoryMaxInterval"/>. Each publication stands for one report (a business day; a week
/// for <c>mmNet</c>), so its change is a day's change. <c>asOf</c> is the UTC date of <c>publishedAt</c>.</para>
/// <para><b>Episodes.</b> See <see cref="DivergenceKind"/> and <see cref="DivergenceEpisode"/>. The first one shows the
/// price rising; later ones pick the direction at random.</para>
/// <para>Cost: O(1) per tick (a few random numbers and the seven factor loadings) and no allocation but the entries
/// added to the caller's lists; about 2.5 million ticks a second on one core. Not thread-safe: one caller at a time.
/// A rate-mode call after a long pause emits the whole backlog at once (rate times pause), so call it regularly
/// (every 10-100 ms for a live feed).</para>
/// </remarks>
public sealed class MarketSimulator
{
    private const int FactorCount = FactorLoadings.Count;
    private const int EpisodeKindCount = 4;
    private const long UnixEpochTicks = 621_355_968_000_000_000;

    private readonly SimulatorOptions _options;
    private readonly SimulationRandom _random;

    // Per built-in instrument (index into MarketCalibration.Instruments).
    private readonly InstrumentProfile[] _profiles;
    private readonly InstrumentId[] _ids;
    private readonly double[] _loadings;
    private readonly double[] _idiosyncraticVolatility;
    private readonly double[] _tickSize;
    private readonly double[] _logPrice;
    private readonly long[] _lastUpdate;
    private readonly double[] _factorAtLastUpdate;
    private readonly long[] _seq;
    private readonly double[] _residualMove;
    private readonly long[] _residualAnchor;
    private readonly double[] _episodeMove;
    private readonly int[] _selected;

    // LME copper cash follows the 3-month price with a spread that episodes squeeze (-1 when not simulated).
    private readonly int _copperCash;
    private readonly int _copperThreeMonth;
    private readonly InstrumentId[] _selectedIds;

    // Factors, in market years.
    private readonly double[] _factor = new double[FactorCount];
    private readonly double[] _diffusionScale = new double[FactorCount];
    private readonly double[] _jumpSize = new double[FactorCount];
    private readonly double[] _jumpRate = new double[FactorCount];
    private readonly double[] _nextJump = new double[FactorCount];
    private readonly double _yearsPerClockTick;
    private double _marketYears;
    private long _factorTime;

    // Time, in DateTime ticks (UTC).
    private readonly double _ticksPerSecond;
    private readonly double _decayPerClockTick;
    private bool _started;
    private long _time;
    private long _gridOrigin;
    private long _gridCount;

    // Episodes.
    private readonly List<int> _episodeInstruments = new(4);
    private readonly List<SeriesModel> _episodeSeries = new(4);
    private long _nextEpisodeStart = long.MaxValue;
    private long _episodeStart;
    private long _episodeEnd = long.MaxValue;
    private bool _episodeActive;
    private int _episodeNumber;

    // Inventories.
    private readonly InventoryReport[] _reports;
    private long _nextPublish = long.MaxValue;

    /// <summary>Creates a market at its calibrated starting levels; nothing happens until the first <c>Advance</c>.</summary>
    /// <exception cref="ArgumentException">The options are not usable (<see cref="SimulatorOptions.Validate"/>).</exception>
    public MarketSimulator(SimulatorOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid simulator options: {string.Join("; ", errors)}", nameof(options));
        }

        _options = options;
        _random = new SimulationRandom(seed);

        _profiles = [.. MarketCalibration.Instruments];
        int count = _profiles.Length;
        _ids = new InstrumentId[count];
        _loadings = new double[count * FactorCount];
        _idiosyncraticVolatility = new double[count];
        _tickSize = new double[count];
        _logPrice = new double[count];
        _lastUpdate = new long[count];
        _factorAtLastUpdate = new double[count * FactorCount];
        _seq = new long[count];
        _residualMove = new double[count];
        _residualAnchor = new long[count];
        _episodeMove = new double[count];
        for (int i = 0; i < count; i++)
        {
            var profile = _profiles[i];
            _ids[i] = profile.Instrument;
            for (int k = 0; k < FactorCount; k++)
            {
                _loadings[(i * FactorCount) + k] = profile.AnnualVolatility * profile.Loadings.Get((MarketFactor)k);
            }

            _idiosyncraticVolatility[i] = profile.AnnualVolatility * profile.IdiosyncraticShare;
            _tickSize[i] = profile.TickSize;
            _logPrice[i] = Math.Log(profile.StartPrice);
        }

        foreach (var factor in MarketCalibration.Factors)
        {
            int k = (int)factor.Factor;
            _diffusionScale[k] = Math.Sqrt(1 - factor.JumpVarianceShare);
            _jumpSize[k] = factor.JumpSize;
            _jumpRate[k] = factor.JumpsPerYear;
            _nextJump[k] = factor.JumpsPerYear > 0 ? _random.NextExponential() / factor.JumpsPerYear : double.PositiveInfinity;
        }

        _yearsPerClockTick = options.MarketTimeScale / (MarketCalibration.TradingYearSeconds * TimeSpan.TicksPerSecond);
        _ticksPerSecond = options.TicksPerSecond;
        _decayPerClockTick = Math.Log(2) / options.EpisodePriceHalfLife.Ticks;

        _copperCash = Array.IndexOf(_ids, InstrumentId.Parse(MarketCalibration.LmeCopperCash));
        _copperThreeMonth = Array.IndexOf(_ids, InstrumentId.Parse("LME:CA"));

        var selected = options.SelectedProfiles().Select(p => p.Instrument).ToHashSet();
        _selected = Enumerable.Range(0, count).Where(i => selected.Contains(_ids[i])).ToArray();
        _selectedIds = _selected.Select(i => _ids[i]).ToArray();

        _reports = InventoryReport.BuiltIn();
        foreach (var model in _reports.SelectMany(r => r.Series))
        {
            model.Published = selected.Contains(model.Instrument);
        }
    }

    public SimulatorOptions Options => _options;

    /// <summary>The instruments ticks are printed for, in the catalog's order.</summary>
    public IReadOnlyList<InstrumentId> Instruments => _selectedIds;

    /// <summary>The time of the latest call, null before the first.</summary>
    public DateTimeOffset? Now => _started ? new DateTimeOffset(_time, TimeSpan.Zero) : null;

    /// <summary>The episode that started most recently (it may be over: compare its <see cref="DivergenceEpisode.End"/> with <see cref="Now"/>).</summary>
    public DivergenceEpisode? LatestEpisode { get; private set; }

    /// <summary>
    /// Appends to <paramref name="ticks"/> and <paramref name="inventory"/> everything that happened since the previous
    /// call, up to and including <paramref name="now"/>: <see cref="SimulatorOptions.TicksPerSecond"/> ticks per second
    /// of elapsed time (on an even grid, so the count is exact) and every inventory publication that fell due.
    /// The first call opens the market at <paramref name="now"/>: one tick for each instrument and a value of every
    /// inventory series. A time at or before the previous call's adds nothing.
    /// </summary>
    public void Advance(DateTimeOffset now, List<Tick> ticks, List<InventoryValue> inventory)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentNullException.ThrowIfNull(inventory);
        long t = now.UtcTicks;
        if (!_started)
        {
            Open(t, ticks, inventory);
            return;
        }

        if (t <= _time)
        {
            return;
        }

        // Tick n of the grid falls at n / TicksPerSecond seconds after its origin (computed so that whole rates are exact).
        long due = (long)Math.Floor((double)(t - _gridOrigin) * _ticksPerSecond / TimeSpan.TicksPerSecond) - _gridCount;
        for (long n = 0; n < due; n++)
        {
            _gridCount++;
            long at = Math.Clamp(_gridOrigin + (long)(_gridCount * (double)TimeSpan.TicksPerSecond / _ticksPerSecond), _time, t);
            ProcessEventsUntil(at, inventory);
            EmitTick(_selected[_random.NextInt(_selected.Length)], at, ticks);
        }

        ProcessEventsUntil(t, inventory);
        _time = t;
    }

    /// <summary>
    /// Like <see cref="Advance(DateTimeOffset, List{Tick}, List{InventoryValue})"/>, but emits exactly
    /// <paramref name="tickCount"/> ticks spread evenly over the time since the previous call, whatever the configured
    /// rate: the mode for a load generator that sends as fast as the server takes. (Calling the other overload afterwards
    /// continues at the configured rate from <paramref name="now"/>.)
    /// </summary>
    public void Advance(DateTimeOffset now, int tickCount, List<Tick> ticks, List<InventoryValue> inventory)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tickCount);
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentNullException.ThrowIfNull(inventory);
        if (!_started)
        {
            Open(now.UtcTicks, ticks, inventory);
        }

        long from = _time;
        long to = Math.Max(now.UtcTicks, _time);
        long span = to - from;
        for (int j = 1; j <= tickCount; j++)
        {
            long at = from + (long)((Int128)span * j / tickCount);
            ProcessEventsUntil(at, inventory);
            EmitTick(_selected[_random.NextInt(_selected.Length)], at, ticks);
        }

        ProcessEventsUntil(to, inventory);
        _time = to;
        _gridOrigin = to;
        _gridCount = 0;
    }

    private void Open(long t, List<Tick> ticks, List<InventoryValue> inventory)
    {
        _started = true;
        _time = t;
        _gridOrigin = t;
        _factorTime = t;
        Array.Fill(_lastUpdate, t);
        if (_options.EpisodeInterval is not null)
        {
            _nextEpisodeStart = t + _options.FirstEpisodeDelay.Ticks;
        }

        foreach (var report in _reports)
        {
            report.NextPublish = t;
        }

        _nextPublish = t;
        ProcessEventsUntil(t, inventory);
        foreach (int i in _selected)
        {
            EmitTick(i, t, ticks);
        }
    }

    /// <summary>Plays episode ends, episode starts and publications up to <paramref name="t"/>, in time order.</summary>
    private void ProcessEventsUntil(long t, List<InventoryValue> inventory)
    {
        while (true)
        {
            long end = _episodeActive ? _episodeEnd : long.MaxValue;
            long next = Math.Min(end, Math.Min(_nextEpisodeStart, _nextPublish));
            if (next > t)
            {
                return;
            }

            if (next == end)
            {
                EndEpisode();
            }
            else if (next == _nextEpisodeStart)
            {
                StartEpisode(next);
            }
            else
            {
                Publish(next, inventory);
            }
        }
    }

    private void EmitTick(int i, long at, List<Tick> ticks)
    {
        if (i == _copperCash)
        {
            EmitCopperCashTick(at, ticks);
            return;
        }

        AdvanceFactors(at);
        int row = i * FactorCount;
        double logPrice = _logPrice[i];
        for (int k = 0; k < FactorCount; k++)
        {
            double factor = _factor[k];
            logPrice += _loadings[row + k] * (factor - _factorAtLastUpdate[row + k]);
            _factorAtLastUpdate[row + k] = factor;
        }

        double years = (at - _lastUpdate[i]) * _yearsPerClockTick;
        logPrice += _idiosyncraticVolatility[i] * Math.Sqrt(years) * _random.NextNormal();
        _logPrice[i] = logPrice;
        _lastUpdate[i] = at;

        AddTick(i, at, logPrice + EpisodeMove(i, at), ticks);
    }

    /// <summary>
    /// Cash is the 3-month price times a spread: the calm contango, plus a share of the 3-month's episode move, so a
    /// copper squeeze rally turns it into backwardation and a slump deepens the contango.
    /// </summary>
    private void EmitCopperCashTick(long at, List<Tick> ticks)
    {
        int threeMonth = _copperThreeMonth;
        double move = EpisodeMove(threeMonth, at);
        double spread = Math.Log(1 - MarketCalibration.LmeCopperCashContango) + (MarketCalibration.LmeCopperCashSqueezeShare * move);
        AddTick(_copperCash, at, _logPrice[threeMonth] + move + spread, ticks);
    }

    private void AddTick(int i, long at, double logPrice, List<Tick> ticks)
    {
        double price = OnTickGrid(Math.Exp(logPrice), _tickSize[i]);
        var profile = _profiles[i];
        double volume = profile.LotSize * Math.Max(1, Math.Round(_random.NextExponential() * profile.MeanLots));
        long seq = Math.Max(_seq[i] + 1, (at - UnixEpochTicks) / 10);
        _seq[i] = seq;
        ticks.Add(new Tick(_ids[i], new DateTimeOffset(at, TimeSpan.Zero), price, volume, seq));
    }

    /// <summary>
    /// The nearest whole number of ticks, at least one. An increment below 1 divides by the whole ticks per unit and a
    /// larger one multiplies, so prices are the doubles nearest their decimal values; ticks per unit rounded to a whole
    /// number would be 0 for an increment above 1 (the LME's $5 for nickel and tin) and print an infinite price.
    /// </summary>
    internal static double OnTickGrid(double price, double tickSize)
    {
        if (tickSize >= 1)
        {
            return Math.Max(1, Math.Round(price / tickSize)) * tickSize;
        }

        double perUnit = Math.Round(1 / tickSize);
        return Math.Max(1, Math.Round(price * perUnit)) / perUnit;
    }

    private void AdvanceFactors(long at)
    {
        if (at <= _factorTime)
        {
            return;
        }

        double years = (at - _factorTime) * _yearsPerClockTick;
        _factorTime = at;
        _marketYears += years;
        double root = Math.Sqrt(years);
        for (int k = 0; k < FactorCount; k++)
        {
            _factor[k] += _diffusionScale[k] * root * _random.NextNormal();
            while (_nextJump[k] <= _marketYears)
            {
                _factor[k] += _jumpSize[k] * _random.NextNormal();
                _nextJump[k] += _random.NextExponential() / _jumpRate[k];
            }
        }
    }

    /// <summary>The log-price offset from episodes at <paramref name="at"/>: the active one's progress plus the fading rest of earlier ones.</summary>
    private double EpisodeMove(int i, long at)
    {
        double move = FadingMove(i, at);
        if (_episodeActive && _episodeMove[i] != 0)
        {
            move += _episodeMove[i] * Progress(at);
        }

        return move;
    }

    private double FadingMove(int i, long at) =>
        _residualMove[i] == 0 ? 0 : _residualMove[i] * Math.Exp(-(at - _residualAnchor[i]) * _decayPerClockTick);

    private double Progress(long at) =>
        _episodeActive ? Math.Clamp((at - _episodeStart) / (double)(_episodeEnd - _episodeStart), 0, 1) : 0;

    private void Publish(long at, List<InventoryValue> inventory)
    {
        long next = long.MaxValue;
        bool published = false;
        foreach (var report in _reports)
        {
            if (!published && report.NextPublish == at)
            {
                report.Publish(at, Progress(at), _random, _options.InventoryNoiseScale, inventory);
                long min = _options.InventoryMinInterval.Ticks;
                long max = _options.InventoryMaxInterval.Ticks;
                report.NextPublish = at + min + (long)(_random.NextDouble() * (max - min));
                published = true;
            }

            next = Math.Min(next, report.NextPublish);
        }

        _nextPublish = next;
    }

    private void StartEpisode(long at)
    {
        _nextEpisodeStart = at + _options.EpisodeInterval!.Value.Ticks;
        var kind = (DivergenceKind)(_episodeNumber % EpisodeKindCount);
        bool priceUp = _episodeNumber == 0 || _random.NextDouble() < 0.5;
        _episodeNumber++;
        _episodeStart = at;
        _episodeEnd = at + _options.EpisodeDuration.Ticks;
        _episodeActive = true;

        double sign = priceUp ? 1 : -1;
        double scale = _options.EpisodeScale;
        var flows = new List<EpisodeFlow>(2);
        List<EpisodePriceMove> moves;
        switch (kind)
        {
            case DivergenceKind.SilverEtfOutflow:
                moves = MovePrices(sign, _random.NextUniform(4, 8) * scale, "COMEX:SI", "ETF:SLV", "ETF:SIL");
                AddFlow(flows, "ETF:SLV", InventorySeries.Holdings, -sign * _random.NextUniform(0.025, 0.04) * scale);
                break;
            case DivergenceKind.ComexToLondonSilver:
                moves = MovePrices(sign, _random.NextUniform(1, 3) * scale, "COMEX:SI", "ETF:SLV", "ETF:SIL");
                double moved = AddFlow(flows, "COMEX:SI", InventorySeries.Registered, -sign * _random.NextUniform(0.08, 0.12) * scale);
                AddFlowAmount(flows, "COMEX:SI", InventorySeries.Vault, -moved * _random.NextUniform(0.9, 1.1));
                break;
            case DivergenceKind.CopperStocksSqueeze:
                moves = MovePrices(sign, _random.NextUniform(4, 7) * scale, "COMEX:HG", "LME:CA", "ETF:COPX");
                AddFlow(flows, "LME:CA", InventorySeries.Stocks, -sign * _random.NextUniform(0.20, 0.35) * scale);
                var share = _reports.Single(r => r.CancelledShare?.Instrument == InstrumentId.Parse("LME:CA")).CancelledShare!;
                share.ActiveFlow = sign * 0.15 * scale;
                _episodeSeries.Add(share);
                break;
            default:
                moves = MovePrices(sign, _random.NextUniform(2.5, 5) * scale, "COMEX:GC", "ETF:GLD", "ETF:GDX");
                AddFlow(flows, "ETF:GLD", InventorySeries.Holdings, -sign * _random.NextUniform(0.015, 0.03) * scale);
                break;
        }

        LatestEpisode = new DivergenceEpisode(
            kind, new DateTimeOffset(_episodeStart, TimeSpan.Zero), new DateTimeOffset(_episodeEnd, TimeSpan.Zero), priceUp, moves, flows);
    }

    /// <summary>Moves the lead by <paramref name="percent"/> in the direction of <paramref name="sign"/>, the followers by their betas to it.</summary>
    private List<EpisodePriceMove> MovePrices(double sign, double percent, string lead, params string[] followers)
    {
        var leadId = InstrumentId.Parse(lead);
        double leadLogMove = Math.Log(1 + (sign * Math.Min(percent, 90) / 100));
        var moves = new List<EpisodePriceMove>(1 + followers.Length);
        foreach (var id in followers.Select(InstrumentId.Parse).Prepend(leadId))
        {
            int i = Array.IndexOf(_ids, id);
            double logMove = leadLogMove * (id == leadId ? 1 : MarketCalibration.Beta(id, leadId));
            _episodeMove[i] = logMove;
            _episodeInstruments.Add(i);
            moves.Add(new EpisodePriceMove(id, (Math.Exp(logMove) - 1) * 100));
        }

        return moves;
    }

    /// <summary>Adds a flow of <paramref name="fraction"/> of the series' current level; returns the amount.</summary>
    private double AddFlow(List<EpisodeFlow> flows, string instrument, string series, double fraction)
    {
        var model = FindSeries(instrument, series);
        return AddFlowAmount(flows, instrument, series, fraction * model.Level);
    }

    private double AddFlowAmount(List<EpisodeFlow> flows, string instrument, string series, double amount)
    {
        var model = FindSeries(instrument, series);
        model.ActiveFlow = amount;
        _episodeSeries.Add(model);
        flows.Add(new EpisodeFlow(model.Instrument, series, amount, model.Unit));
        return amount;
    }

    private SeriesModel FindSeries(string instrument, string series)
    {
        var id = InstrumentId.Parse(instrument);
        return _reports.SelectMany(r => r.Series).Single(s => s.Instrument == id && s.Series == series);
    }

    private void EndEpisode()
    {
        long at = _episodeEnd;
        foreach (int i in _episodeInstruments)
        {
            _residualMove[i] = FadingMove(i, at) + _episodeMove[i];
            _residualAnchor[i] = at;
            _episodeMove[i] = 0;
        }

        foreach (var model in _episodeSeries)
        {
            model.Fold();
        }

        _episodeInstruments.Clear();
        _episodeSeries.Clear();
        _episodeActive = false;
        _episodeEnd = long.MaxValue;
    }
}
