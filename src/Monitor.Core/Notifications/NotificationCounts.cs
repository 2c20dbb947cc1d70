namespace Monitor.Core.Notifications;

/// <summary>
/// What the policy did for one receiver (a backtest's replay reports it): the alert transitions routed to it (what it
/// would have got, one each, without a policy), the notifications sent by reason, and how many transitions each step
/// kept from being sent. Each transition is counted once, at the first flush that looks at it; what no other step
/// explains was folded into another notification (grouping), so the transitions are the notifications that carried
/// news (first, updates, resolved) plus every removal.
/// </summary>
public sealed class ReceiverCounts
{
    /// <summary>Firing and resolved transitions routed to the receiver.</summary>
    public int Transitions { get; set; }

    public int Notifications => First + Updates + Repeats + Resolved;

    public int First { get; set; }

    public int Updates { get; set; }

    public int Repeats { get; set; }

    public int Resolved { get; set; }

    public int RemovedBySilences { get; set; }

    public int RemovedByInhibition { get; set; }

    public int RemovedByMuteTimings { get; set; }

    /// <summary>Resolved transitions of a receiver with <c>sendResolved: false</c>.</summary>
    public int RemovedBySendResolved { get; set; }

    /// <summary>
    /// Transitions that did not make a notification of their own: sent together with others, or (an alert that fired
    /// and resolved between two flushes) never sent. A transition muted and sent after the mute counts in both places,
    /// hence the floor at zero.
    /// </summary>
    public int RemovedByGrouping =>
        Math.Max(0, Transitions - (First + Updates + Resolved) - RemovedBySilences - RemovedByInhibition - RemovedByMuteTimings - RemovedBySendResolved);
}

/// <summary>The policy's counts per receiver and, per rule, the notifications that carried one of its alerts.</summary>
public sealed class NotificationCounts
{
    public SortedDictionary<string, ReceiverCounts> Receivers { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> NotificationsByRule { get; } = new(StringComparer.Ordinal);

    public ReceiverCounts For(string receiver)
    {
        if (!Receivers.TryGetValue(receiver, out var counts))
        {
            counts = new ReceiverCounts();
            Receivers[receiver] = counts;
        }

        return counts;
    }
}
