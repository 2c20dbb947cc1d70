using System.Runtime.InteropServices;
using System.Text;
using Monitor.Core.Rules;

namespace Monitor.Core.Notifications;

/// <summary>
/// The policy's inhibition rules over the alerts firing now, kept up to date as alerts start and stop firing: per rule,
/// how many firing alerts match its sources under each value of its <c>equal</c> labels. Whether an alert is inhibited
/// is then a lookup per rule, where scanning every firing alert at every flush of every group made the policy's cost
/// grow with the storm it is meant to quieten.
/// </summary>
internal sealed class Inhibitions
{
    private readonly IReadOnlyList<InhibitRule> _rules;
    private readonly Dictionary<string, SourceCount>[] _sources;
    private readonly Dictionary<string, AlertFacts> _firing = new(StringComparer.Ordinal);

    public Inhibitions(IReadOnlyList<InhibitRule> rules)
    {
        _rules = rules;
        _sources = [.. rules.Select(_ => new Dictionary<string, SourceCount>(StringComparer.Ordinal))];
    }

    /// <summary>Takes in a firing alert, or its new version when it was firing already.</summary>
    public void Firing(Alert alert, AlertLabels labels)
    {
        Remove(alert.Id);
        if (_rules.Count == 0)
        {
            return;
        }

        var facts = FactsOf(alert, labels);
        _firing[alert.Id] = facts;
        for (int i = 0; i < _rules.Count; i++)
        {
            if (facts.Rules[i] is { Source: true } source)
            {
                ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_sources[i], source.EqualKey!, out _);
                count = new SourceCount(count.All + 1, count.AlsoTargets + (source.Target ? 1 : 0));
            }
        }
    }

    /// <summary>Forgets an alert that no longer fires (nothing when it was not firing).</summary>
    public void Remove(string alertId)
    {
        if (!_firing.Remove(alertId, out var facts))
        {
            return;
        }

        for (int i = 0; i < _rules.Count; i++)
        {
            if (facts.Rules[i] is { Source: true } source)
            {
                var count = _sources[i][source.EqualKey!];
                if (count.All == 1)
                {
                    _sources[i].Remove(source.EqualKey!);
                }
                else
                {
                    _sources[i][source.EqualKey!] = new SourceCount(count.All - 1, count.AlsoTargets - (source.Target ? 1 : 0));
                }
            }
        }
    }

    /// <summary>
    /// Whether a firing alert is muted by an inhibition rule: it matches the rule's targets and another firing alert
    /// matches its sources with equal values of the <c>equal</c> labels. As in Alertmanager, an alert matching both
    /// sides of a rule cannot be inhibited by another that also matches both.
    /// </summary>
    public bool IsInhibited(Alert alert)
    {
        if (_rules.Count == 0)
        {
            return false;
        }

        // The alert as it fires is usually this very version, whose facts are known; a group may hold an older one.
        var firing = _firing.GetValueOrDefault(alert.Id);
        var facts = firing is not null && ReferenceEquals(firing.Alert, alert) ? firing : FactsOf(alert, AlertLabels.Of(alert));
        for (int i = 0; i < _rules.Count; i++)
        {
            var target = facts.Rules[i];
            if (!target.Target || !_sources[i].TryGetValue(target.EqualKey!, out var count))
            {
                continue;
            }

            int inhibitors = target.Source ? count.All - count.AlsoTargets : count.All;
            if (firing?.Rules[i] is { Source: true } self && !(target.Source && self.Target)
                && string.Equals(self.EqualKey, target.EqualKey, StringComparison.Ordinal))
            {
                inhibitors--; // the alert itself, among the firing sources, does not inhibit itself
            }

            if (inhibitors > 0)
            {
                return true;
            }
        }

        return false;
    }

    private AlertFacts FactsOf(Alert alert, AlertLabels labels)
    {
        var rules = new RuleFacts[_rules.Count];
        for (int i = 0; i < rules.Length; i++)
        {
            var rule = _rules[i];
            bool source = LabelMatcher.All(rule.SourceMatchers, labels);
            bool target = LabelMatcher.All(rule.TargetMatchers, labels);
            rules[i] = new RuleFacts(source, target, source || target ? EqualKey(rule, labels) : null);
        }

        return new AlertFacts(alert, rules);
    }

    /// <summary>The value of the rule's equal label; of several, each prefixed by its length, so different values never make the same key.</summary>
    private static string EqualKey(InhibitRule rule, AlertLabels labels)
    {
        if (rule.Equal.Count <= 1)
        {
            return rule.Equal.Count == 0 ? "" : labels.ValueOf(rule.Equal[0]);
        }

        var key = new StringBuilder();
        foreach (string name in rule.Equal)
        {
            string value = labels.ValueOf(name);
            key.Append(value.Length).Append(':').Append(value);
        }

        return key.ToString();
    }

    /// <summary>Per rule, whether the alert matches its sources and its targets, and its values of the rule's equal labels.</summary>
    private sealed record AlertFacts(Alert Alert, RuleFacts[] Rules);

    private readonly record struct RuleFacts(bool Source, bool Target, string? EqualKey);

    /// <summary>Firing alerts matching a rule's sources under one key, and how many of them match its targets too.</summary>
    private readonly record struct SourceCount(int All, int AlsoTargets);
}
