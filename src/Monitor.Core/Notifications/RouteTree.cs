using Monitor.Core.Calendars;

namespace Monitor.Core.Notifications;

/// <summary>
/// A route with what it inherits resolved: the receiver, grouping and timings it sends with, and the time intervals
/// that mute or limit it. <see cref="Id"/> is its path in the document (<c>route.routes[1]</c>).
/// </summary>
public sealed record ResolvedRoute(
    string Id,
    string Receiver,
    IReadOnlyList<string>? GroupBy,
    TimeSpan GroupWait,
    TimeSpan GroupInterval,
    TimeSpan RepeatInterval,
    IReadOnlyList<TimeIntervalDefinition> MuteTimeIntervals,
    IReadOnlyList<TimeIntervalDefinition> ActiveTimeIntervals)
{
    /// <summary>Whether the route sends nothing at <paramref name="at"/>: inside a mute interval, or outside all its active ones.</summary>
    public bool IsMutedAt(DateTimeOffset at) =>
        AnyContains(MuteTimeIntervals, at) || (ActiveTimeIntervals.Count > 0 && !AnyContains(ActiveTimeIntervals, at));

    private static bool AnyContains(IReadOnlyList<TimeIntervalDefinition> intervals, DateTimeOffset at)
    {
        for (int i = 0; i < intervals.Count; i++)
        {
            if (intervals[i].Contains(at))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The routing tree as Alertmanager walks it: an alert matching a route goes down to the first matching child (and
/// on to later siblings while a matching child has <c>continue</c>); a route none of whose children match takes the
/// alert itself. The root matches every alert.
/// </summary>
public sealed class RouteTree
{
    private readonly Node _root;
    private readonly Dictionary<string, ResolvedRoute> _byId = new(StringComparer.Ordinal);

    public RouteTree(NotificationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var intervals = policy.TimeIntervals.ToDictionary(i => i.Name, StringComparer.Ordinal);
        _root = Build(policy.Route, "route", null, intervals);
    }

    /// <summary>The route at path <paramref name="id"/>, or null when the policy has none there.</summary>
    public ResolvedRoute? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The routes <paramref name="labels"/> ends at, in the tree's order.</summary>
    public IReadOnlyList<ResolvedRoute> Match(AlertLabels labels)
    {
        var matched = new List<ResolvedRoute>();
        Match(_root, labels, matched);
        return matched;
    }

    private static bool Match(Node node, AlertLabels labels, List<ResolvedRoute> matched)
    {
        if (!LabelMatcher.All(node.Matchers, labels))
        {
            return false;
        }

        int before = matched.Count;
        foreach (var child in node.Children)
        {
            if (Match(child, labels, matched) && !child.Continue)
            {
                break;
            }
        }

        if (matched.Count == before)
        {
            matched.Add(node.Route);
        }

        return true;
    }

    private Node Build(PolicyRoute route, string id, ResolvedRoute? parent, Dictionary<string, TimeIntervalDefinition> intervals)
    {
        var resolved = new ResolvedRoute(
            id,
            route.Receiver ?? parent?.Receiver ?? "",
            route.GroupBy ?? parent?.GroupBy ?? [],
            route.GroupWait ?? parent?.GroupWait ?? RouteDefaults.GroupWait,
            route.GroupInterval ?? parent?.GroupInterval ?? RouteDefaults.GroupInterval,
            route.RepeatInterval ?? parent?.RepeatInterval ?? RouteDefaults.RepeatInterval,
            [.. route.MuteTimeIntervals.Select(n => intervals[n])],
            [.. route.ActiveTimeIntervals.Select(n => intervals[n])]);
        _byId[id] = resolved;
        var children = route.Routes.Select((child, i) => Build(child, $"{id}.routes[{i}]", resolved, intervals)).ToList();
        return new Node(resolved, route.Matchers, route.Continue, children);
    }

    private sealed record Node(ResolvedRoute Route, IReadOnlyList<LabelMatcher> Matchers, bool Continue, IReadOnlyList<Node> Children);
}
