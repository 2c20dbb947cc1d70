namespace Monitor.Core.Rules;

/// <summary>What an alert says about the evaluation that just ran; asked only when a transition happens.</summary>
public interface IAlertDetails
{
    /// <summary>The message, stating the numbers of the evaluation.</summary>
    string Describe();

    /// <summary>The numbers of the evaluation by name (<c>priceChangePct</c>, <c>z</c>...).</summary>
    void CopyValues(IDictionary<string, double> values);

    /// <summary>What the evaluation read: each input's value and when it became known.</summary>
    void CopyInputs(ICollection<AlertInput> inputs)
    {
    }
}

/// <summary>A saved open episode: everything needed to continue it, or to resolve it without its rule.</summary>
public sealed record AlertEpisodeState(
    AlertState State,
    string Id,
    string RuleId,
    string RuleName,
    RuleType Type,
    AlertSeverity Severity,
    string[] Instruments,
    string? Direction,
    DateTimeOffset StartedAt,
    DateTimeOffset? FiredAt,
    string Message,
    string[] ValueNames,
    double[] Values,
    int HeldBars,
    int ClearBars,
    int RuleVersion = 0,
    IReadOnlyDictionary<string, string>? Labels = null,
    AlertInput[]? Inputs = null)
{
    /// <summary>The episode resolved at <paramref name="time"/>, as an alert.</summary>
    internal Alert Resolved(DateTimeOffset time)
    {
        var values = new Dictionary<string, double>(ValueNames.Length, StringComparer.Ordinal);
        for (int i = 0; i < ValueNames.Length; i++)
        {
            values[ValueNames[i]] = Values[i];
        }

        return new Alert(
            Id, RuleId, RuleName, Type, Severity, Instruments, AlertState.Resolved, Direction, StartedAt, FiredAt, time, Message, values)
        {
            RuleVersion = RuleVersion,
            Labels = Labels is null ? RuleLabels.Empty : RuleLabels.From(Labels),
            Inputs = Inputs ?? [],
        };
    }
}

/// <summary>
/// Turns one condition result per evaluation into alert transitions:
/// <list type="bullet">
/// <item>inactive + condition true: an episode starts (its id from rule, instruments and this time). With
/// <c>pendingBars</c> 0 it fires at once (one transition, to firing); otherwise it is pending.</item>
/// <item>pending: each further true evaluation counts; at the <c>pendingBars</c>-th it fires. A false evaluation
/// ends the episode without firing: a transition to resolved with <c>firedAt</c> null, so a stored pending alert
/// never stays open.</item>
/// <item>firing: a false evaluation starts the clear count, a true one resets it; at the
/// (<c>keepFiringBars</c> + 1)-th consecutive false evaluation the alert resolves.</item>
/// <item>a true condition in another direction (bullish after bearish) ends the open episode at once and starts a
/// new one at the same evaluation.</item>
/// <item>an evaluation without a result (stale, missing or not-ready input: <c>null</c>) changes nothing: it neither
/// advances a pending episode nor counts towards resolving a firing one.</item>
/// </list>
/// </summary>
public sealed class AlertStateMachine
{
    private readonly string[] _instruments;
    private Episode? _open;

    public AlertStateMachine(RuleDefinition rule, IReadOnlyList<string> instruments)
    {
        Rule = rule;
        _instruments = [.. instruments];
    }

    /// <summary>The rule whose name, severity and bar counts apply; replaced when a changed definition adopts the episode.</summary>
    public RuleDefinition Rule { get; internal set; }

    public IReadOnlyList<string> Instruments => _instruments;

    /// <summary>The state of the open episode, or null when there is none.</summary>
    public AlertState? State => _open?.State;

    /// <summary>The open episode as an alert, or null.</summary>
    public Alert? Current => _open is { } open ? View(open, open.State, null) : null;

    public void Step(DateTimeOffset time, bool? condition, string? direction, IAlertDetails details, List<AlertTransition> output)
    {
        if (condition is not bool holds)
        {
            return;
        }

        if (_open is { } changed && holds && !string.Equals(changed.Direction, direction, StringComparison.Ordinal))
        {
            End(time, output);
        }

        if (_open is not { } open)
        {
            if (holds)
            {
                Start(time, direction, details, output);
            }

            return;
        }

        if (open.State == AlertState.Pending)
        {
            if (!holds)
            {
                End(time, output);
            }
            else if (++open.Held >= Rule.PendingBars)
            {
                Capture(open, details);
                open.State = AlertState.Firing;
                open.FiredAt = time;
                output.Add(new AlertTransition(AlertState.Pending, AlertState.Firing, time, View(open, AlertState.Firing, null)));
            }

            return;
        }

        if (holds)
        {
            open.Cleared = 0;
        }
        else if (++open.Cleared > Rule.KeepFiringBars)
        {
            End(time, output);
        }
    }

    /// <summary>Resolves the open episode now (its rule was removed or changed beyond recognition); false if none was open.</summary>
    public bool Resolve(DateTimeOffset time, List<AlertTransition> output)
    {
        if (_open is null)
        {
            return false;
        }

        End(time, output);
        return true;
    }

    public AlertEpisodeState? SaveState() => _open is not { } e
        ? null
        : new AlertEpisodeState(
            e.State, e.Id, Rule.Id, Rule.Name, Rule.Type, Rule.Severity, [.. _instruments], e.Direction, e.StartedAt, e.FiredAt,
            e.Message, [.. e.Values.Keys], [.. e.Values.Values], e.Held, e.Cleared,
            e.RuleVersion, Rule.Labels.ToDictionary(StringComparer.Ordinal), [.. e.Inputs]);

    public void RestoreState(AlertEpisodeState? state)
    {
        if (state is null)
        {
            _open = null;
            return;
        }

        if (!state.Instruments.AsSpan().SequenceEqual(_instruments))
        {
            throw new ArgumentException(
                $"the saved episode is over {string.Join(",", state.Instruments)}, this rule over {string.Join(",", _instruments)}", nameof(state));
        }

        var values = new Dictionary<string, double>(state.ValueNames.Length, StringComparer.Ordinal);
        for (int i = 0; i < state.ValueNames.Length; i++)
        {
            values[state.ValueNames[i]] = state.Values[i];
        }

        _open = new Episode
        {
            State = state.State,
            Id = state.Id,
            Direction = state.Direction,
            StartedAt = state.StartedAt,
            FiredAt = state.FiredAt,
            Message = state.Message,
            Values = values,
            RuleVersion = state.RuleVersion,
            Inputs = state.Inputs ?? [],
            Held = state.HeldBars,
            Cleared = state.ClearBars,
        };
    }

    /// <summary>The transition that resolves a saved episode whose rule no longer exists.</summary>
    public static AlertTransition ResolveSaved(AlertEpisodeState state, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new AlertTransition(state.State, AlertState.Resolved, time, state.Resolved(time));
    }

    private void Start(DateTimeOffset time, string? direction, IAlertDetails details, List<AlertTransition> output)
    {
        bool fire = Rule.PendingBars == 0;
        var episode = new Episode
        {
            State = fire ? AlertState.Firing : AlertState.Pending,
            Id = AlertId.Create(Rule.Id, _instruments, time),
            Direction = direction,
            StartedAt = time,
            FiredAt = fire ? time : null,
            RuleVersion = Rule.Version,
        };
        Capture(episode, details);
        _open = episode;
        output.Add(new AlertTransition(null, episode.State, time, View(episode, episode.State, null)));
    }

    private void End(DateTimeOffset time, List<AlertTransition> output)
    {
        var open = _open!;
        _open = null;
        output.Add(new AlertTransition(open.State, AlertState.Resolved, time, View(open, AlertState.Resolved, time)));
    }

    private static void Capture(Episode episode, IAlertDetails details)
    {
        episode.Message = details.Describe();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        details.CopyValues(values);
        episode.Values = values;
        var inputs = new List<AlertInput>();
        details.CopyInputs(inputs);
        episode.Inputs = inputs;
    }

    private Alert View(Episode e, AlertState state, DateTimeOffset? resolvedAt) =>
        new(e.Id, Rule.Id, Rule.Name, Rule.Type, Rule.Severity, _instruments, state, e.Direction, e.StartedAt, e.FiredAt,
            resolvedAt, e.Message, e.Values)
        {
            RuleVersion = e.RuleVersion,
            Labels = Rule.Labels,
            Inputs = e.Inputs,
        };

    private sealed class Episode
    {
        public AlertState State { get; set; }

        public required string Id { get; init; }

        public string? Direction { get; init; }

        public DateTimeOffset StartedAt { get; init; }

        public DateTimeOffset? FiredAt { get; set; }

        public string Message { get; set; } = "";

        /// <summary>Never changed once captured: emitted alerts share it.</summary>
        public IReadOnlyDictionary<string, double> Values { get; set; } = new Dictionary<string, double>();

        /// <summary>The version of the rule that started the episode (an adopted episode keeps it).</summary>
        public int RuleVersion { get; init; }

        /// <summary>Never changed once captured, like <see cref="Values"/>.</summary>
        public IReadOnlyList<AlertInput> Inputs { get; set; } = [];

        public int Held { get; set; }

        public int Cleared { get; set; }
    }
}
