using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Storage.Tests.Infrastructure;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The rule, alert and silence stores' contract, run against every provider (subclasses at the end of this file).
/// Tests share one database per class and keep apart by using rule ids and instruments of their own.</summary>
public abstract class AlertStoreBehaviourTests<TFixture>(TFixture fixture)
    where TFixture : StoreFixture
{
    protected TFixture Fixture { get; } = fixture;

    private IRuleStore Rules => Fixture.Store.Rules;

    private IAlertStore Alerts => Fixture.Store.Alerts;

    private ISilenceStore Silences => Fixture.Store.Silences;

    // ---- rules

    [Fact]
    public async Task RulePut_NewSameThenChanged_AddedUnchangedReplacedWithVersionAndTimes()
    {
        var rule = NewRule();
        var changed = rule with { Name = "changed", PendingBars = 2 };

        var added = await Rules.PutAsync(rule, T0, "ana");
        var same = await Rules.PutAsync(rule, T0.AddHours(1), "ana");
        var replaced = await Rules.PutAsync(changed, T0.AddHours(2), "ana");

        Assert.Equal(new RulePutResult(new StoredRule(rule.Id, RuleJson.Serialize(rule), T0, T0, 1), RuleChange.Added), added);
        Assert.Equal(new RulePutResult(added.Rule, RuleChange.Unchanged), same);
        Assert.Equal(
            new RulePutResult(new StoredRule(rule.Id, RuleJson.Serialize(changed), T0, T0.AddHours(2), 2), RuleChange.Replaced),
            replaced);
        var stored = await Rules.GetAsync(rule.Id);
        Assert.Equal(replaced.Rule, stored);
        Assert.Equal(changed, RuleJson.Parse(stored!.Json).Rule);
    }

    [Fact]
    public async Task RuleAdd_ConcurrentAddsOfOneId_OneStoredTheOthersNull()
    {
        var rule = NewRule();
        var results = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => Rules.AddAsync(rule with { Name = $"racer {i}" }, T0, "ana")));

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(new StoredRule(rule.Id, winner!.Json, T0, T0, 1), winner);
        Assert.Equal(winner, await Rules.GetAsync(rule.Id));
        Assert.Null(await Rules.AddAsync(rule, T0.AddHours(1), "ana"));
    }

    [Fact]
    public async Task RuleListAndDelete_SeveralRules_ListedByIdDeletedOnce()
    {
        string prefix = $"list-{Guid.NewGuid():N}";
        var b = NewRule($"{prefix}-b");
        var a = NewRule($"{prefix}-a");
        var c = NewRule($"{prefix}-c");
        foreach (var rule in new[] { b, a, c })
        {
            await Rules.PutAsync(rule, T0, "ana");
        }

        bool deleted = await Rules.DeleteAsync(c.Id, T0, "ana");
        bool deletedAgain = await Rules.DeleteAsync(c.Id, T0, "ana");

        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Null(await Rules.GetAsync(c.Id));
        var listed = (await Rules.ListAsync()).Where(rule => rule.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal([a.Id, b.Id], listed.Select(rule => rule.Id));
        Assert.Equal(RuleJson.Serialize(a), listed[0].Json);
        var all = (await Rules.ListAsync()).Select(rule => rule.Id).ToList();
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
    }

    [Fact]
    public async Task RuleListReading_TheRulesWhoseInputsReadTheInstrument_FollowsChangesAndDeletions()
    {
        string prefix = $"reading-{Guid.NewGuid():N}";
        var (x, y, z) = (NewInstrument(), NewInstrument(), NewInstrument());
        var local = Threshold($"{prefix}-a", x);
        var pair = Ratio($"{prefix}-b", x, y);
        await Rules.PutAsync(pair, T0, "ana");
        await Rules.PutAsync(local, T0, "ana");
        await Rules.PutAsync(local, T0.AddHours(1), "ana");

        Assert.Equal([local.Id, pair.Id], (await Rules.ListReadingAsync(x)).Select(r => r.Id));
        Assert.Equal(RuleJson.Serialize(pair), Assert.Single(await Rules.ListReadingAsync(y)).Json);
        Assert.Empty(await Rules.ListReadingAsync(z));

        await Rules.PutAsync(Ratio(pair.Id, z, y), T0.AddHours(2), "ana");
        await Rules.DeleteAsync(local.Id, T0.AddHours(3), "ana");
        var added = await Rules.AddAsync(Threshold($"{prefix}-c", z), T0.AddHours(4), "ana");

        Assert.Empty(await Rules.ListReadingAsync(x));
        Assert.Equal([pair.Id], (await Rules.ListReadingAsync(y)).Select(r => r.Id));
        Assert.Equal([pair.Id, added!.Id], (await Rules.ListReadingAsync(z)).Select(r => r.Id));
    }

    [Fact]
    public async Task RuleDelete_ThenPutAgain_ContinuesTheVersionsWhichOutliveTheRule()
    {
        var rule = NewRule();
        await Rules.PutAsync(rule, T0, "ana");
        await Rules.PutAsync(rule with { Name = "v2" }, T0.AddHours(1), "bob");
        await Rules.DeleteAsync(rule.Id, T0.AddHours(2), "carl");
        var versionsOfTheDeletedRule = await Rules.ListVersionsAsync(rule.Id);

        var again = await Rules.PutAsync(rule, T0.AddHours(3), "dora");

        Assert.Equal([3, 2, 1], versionsOfTheDeletedRule.Select(v => v.Version));
        Assert.Equal(new StoredRuleVersion(rule.Id, 3, T0.AddHours(2), "carl", null), versionsOfTheDeletedRule[0]);
        Assert.Equal(new RulePutResult(new StoredRule(rule.Id, RuleJson.Serialize(rule), T0.AddHours(3), T0.AddHours(3), 4), RuleChange.Added), again);
        Assert.Equal(new StoredRuleVersion(rule.Id, 2, T0.AddHours(1), "bob", RuleJson.Serialize(rule with { Name = "v2" })), await Rules.GetVersionAsync(rule.Id, 2));
        Assert.Equal(["dora", "carl", "bob", "ana"], (await Rules.ListVersionsAsync(rule.Id)).Select(v => v.ChangedBy));
    }

    [Fact]
    public async Task RuleVersions_EveryChangeKeptWithWhoAndWhen_AnUnchangedPutAddsNone()
    {
        var rule = NewRule();
        await Rules.AddAsync(rule, T0, "ana");
        await Rules.PutAsync(rule, T0.AddHours(1), "bob");
        await Rules.PutAsync(rule with { PendingBars = 3 }, T0.AddHours(2), "bob");

        var versions = await Rules.ListVersionsAsync(rule.Id);

        Assert.Equal(
            [
                new StoredRuleVersion(rule.Id, 2, T0.AddHours(2), "bob", RuleJson.Serialize(rule with { PendingBars = 3 })),
                new StoredRuleVersion(rule.Id, 1, T0, "ana", RuleJson.Serialize(rule)),
            ],
            versions);
        Assert.Null(await Rules.GetVersionAsync(rule.Id, 3));
        Assert.Empty(await Rules.ListVersionsAsync($"unknown-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task RuleVersions_ConcurrentChangesOfOneRule_NumberedWithoutGapsOrRepeats()
    {
        var rule = NewRule();
        await Rules.AddAsync(rule, T0, "ana");

        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Rules.PutAsync(rule with { PendingBars = i }, T0.AddMinutes(i), $"key-{i}")));

        Assert.Equal(Enumerable.Range(2, 20), results.Select(r => r.Rule.Version).Order());
        var versions = await Rules.ListVersionsAsync(rule.Id);
        Assert.Equal(Enumerable.Range(1, 21).Reverse(), versions.Select(v => v.Version));
        Assert.Equal((await Rules.GetAsync(rule.Id))!.Json, versions[0].Json);
    }

    [Fact]
    public async Task RuleGet_Unknown_IsNull()
    {
        Assert.Null(await Rules.GetAsync($"unknown-{Guid.NewGuid():N}"));
        Assert.False(await Rules.DeleteAsync($"unknown-{Guid.NewGuid():N}", T0, "ana"));
    }

    // ---- alerts

    [Fact]
    public async Task AppendTransitions_WholeEpisodeTwice_StoredOnceReportedNewOnce()
    {
        var episode = Episode(NewRuleId(), [NewInstrument().Value], T0);

        var first = await Alerts.AppendTransitionsAsync(episode);
        var second = await Alerts.AppendTransitionsAsync(episode);

        Assert.Equal(episode, first.Select(recorded => recorded.Transition));
        Assert.All(first, recorded => Assert.False(recorded.Silenced));
        Assert.Empty(second);
        var stored = await Alerts.GetAsync(episode[0].Alert.Id);
        Assert.NotNull(stored);
        AssertSameAlert(episode[^1].Alert, stored.Alert);
        Assert.Equal(
            [
                new StoredAlertTransition(null, AlertState.Pending, T0, false),
                new StoredAlertTransition(AlertState.Pending, AlertState.Firing, T0.AddDays(1), false),
                new StoredAlertTransition(AlertState.Firing, AlertState.Resolved, T0.AddDays(2), false),
            ],
            stored.Transitions);
    }

    [Fact]
    public async Task AppendTransitions_RetryOverlappingBatch_OnlyUnstoredOnesReturned()
    {
        var episode = Episode(NewRuleId(), [NewInstrument().Value], T0);
        await Alerts.AppendTransitionsAsync(episode[..2]);

        var retried = await Alerts.AppendTransitionsAsync(episode[1..]);

        Assert.Equal([episode[2]], retried.Select(recorded => recorded.Transition));
        var stored = await Alerts.GetAsync(episode[0].Alert.Id);
        Assert.Equal(3, stored!.Transitions.Count);
        Assert.Equal(AlertState.Resolved, stored.Alert.State);
    }

    [Fact]
    public async Task AppendTransitions_SameTransitionTwiceInOneBatch_StoredOnce()
    {
        var episode = Episode(NewRuleId(), [NewInstrument().Value], T0);

        var recorded = await Alerts.AppendTransitionsAsync([episode[0], episode[0], episode[1]]);

        Assert.Equal([episode[0], episode[1]], recorded.Select(r => r.Transition));
        Assert.Equal(2, (await Alerts.GetAsync(episode[0].Alert.Id))!.Transitions.Count);
    }

    [Fact]
    public async Task AppendTransitions_OlderTransitionAfterNewer_ViewStaysAtLatest()
    {
        var episode = Episode(NewRuleId(), [NewInstrument().Value], T0);

        await Alerts.AppendTransitionsAsync([episode[1]]);
        var late = await Alerts.AppendTransitionsAsync([episode[0]]);

        Assert.Single(late);
        var stored = await Alerts.GetAsync(episode[0].Alert.Id);
        AssertSameAlert(episode[1].Alert, stored!.Alert);
        Assert.Equal([AlertState.Pending, AlertState.Firing], stored.Transitions.Select(t => t.To));
    }

    [Fact]
    public async Task AppendTransitions_FailurePartWay_NothingStored()
    {
        var good = Episode(NewRuleId(), [NewInstrument().Value], T0);
        // The database refuses this one (an alert needs a rule id) after the first transition went in.
        var bad = Episode(NewRuleId(), [NewInstrument().Value], T0)[0];
        bad = bad with { Alert = bad.Alert with { RuleId = null! } };

        await Assert.ThrowsAnyAsync<Exception>(() => Alerts.AppendTransitionsAsync([good[0], good[1], bad]));

        Assert.Null(await Alerts.GetAsync(good[0].Alert.Id));
        var retried = await Alerts.AppendTransitionsAsync([good[0], good[1]]);
        Assert.Equal(2, retried.Count);
    }

    [Fact]
    public async Task AppendTransitions_TwoStoresAtOnce_EachTransitionNewForExactlyOne()
    {
        var episodes = Enumerable.Range(0, 5).SelectMany(i => Episode(NewRuleId(), [NewInstrument().Value], T0.AddHours(i))).ToList();
        await using var second = await Fixture.OpenAsync();

        var results = await Task.WhenAll(
            Task.Run(() => Alerts.AppendTransitionsAsync(episodes)),
            Task.Run(() => second.Alerts.AppendTransitionsAsync(episodes)));

        var recorded = results.SelectMany(result => result.Select(r => r.Transition)).ToList();
        Assert.Equal(episodes.Count, recorded.Count);
        Assert.Equal(episodes.ToHashSet(), recorded.ToHashSet());
    }

    [Fact]
    public async Task Get_StoredAlert_ViewRoundTripsExactlyButNonFiniteValues()
    {
        string ruleId = NewRuleId();
        var alert = NewAlert(ruleId, [NewInstrument().Value, NewInstrument().Value], T0.AddTicks(1_234_560), AlertState.Firing) with
        {
            Direction = "bearish",
            FiredAt = T0.AddDays(1),
            Message = "COMEX:SI +21.4% over 15d while ETF:SLV holdings -1.9% (-9.8 Moz) \"quoted\" ü",
            Values = new Dictionary<string, double> { ["priceChangePct"] = 21.4, ["flowChangePct"] = -1.9, ["tiny"] = 1e-300, ["sum"] = 0.1 + 0.2, ["inf"] = double.PositiveInfinity },
        };
        await Alerts.AppendTransitionsAsync([new AlertTransition(null, AlertState.Firing, T0.AddDays(1), alert)]);

        var stored = await Alerts.GetAsync(alert.Id);

        // A value that is not a finite number is left out, as every view of an alert leaves it out.
        Assert.NotNull(stored);
        AssertSameAlert(alert with { Values = alert.Values.Where(v => double.IsFinite(v.Value)).ToDictionary() }, stored.Alert);
        Assert.Null(stored.Acknowledgement);
        Assert.False(stored.Silenced);
        Assert.Null(await Alerts.GetAsync("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task List_Filters_RuleInstrumentStateAndStartRange()
    {
        string ruleA = NewRuleId();
        string ruleB = NewRuleId();
        string shared = NewInstrument().Value;
        string other = NewInstrument().Value;
        var a1 = NewAlert(ruleA, [shared], T0, AlertState.Firing);
        var a2 = NewAlert(ruleA, [other, shared], T0.AddDays(1), AlertState.Resolved);
        var a3 = NewAlert(ruleA, [other], T0.AddDays(2), AlertState.Pending);
        var b1 = NewAlert(ruleB, [shared], T0.AddDays(1), AlertState.Firing);
        await Alerts.AppendTransitionsAsync([.. new[] { a1, a2, a3, b1 }.Select(a => new AlertTransition(null, a.State, a.StartedAt, a))]);

        Assert.Equal([a3.Id, a2.Id, a1.Id], await ListIds(new AlertQuery { RuleId = ruleA }));
        Assert.Equal(
            new[] { a1, a2, b1 }.OrderByDescending(a => a.StartedAt).ThenByDescending(a => a.Id, StringComparer.Ordinal).Select(a => a.Id),
            await ListIds(new AlertQuery { Instrument = shared }));
        Assert.Equal([a3.Id, a2.Id], await ListIds(new AlertQuery { Instrument = other }));
        Assert.Equal([a2.Id], await ListIds(new AlertQuery { RuleId = ruleA, State = AlertState.Resolved }));
        Assert.Equal([a2.Id], await ListIds(new AlertQuery { RuleId = ruleA, From = T0.AddDays(1), To = T0.AddDays(2) }));
        Assert.Equal([a3.Id, a2.Id], await ListIds(new AlertQuery { RuleId = ruleA, From = T0.AddTicks(10) }));
        Assert.Equal([a1.Id], await ListIds(new AlertQuery { RuleId = ruleA, To = T0.AddDays(1) }));
        Assert.Equal([b1.Id], await ListIds(new AlertQuery { RuleId = ruleB, Instrument = shared, State = AlertState.Firing }));
        Assert.Empty(await ListIds(new AlertQuery { RuleId = ruleB, Instrument = other }));
        var listed = Assert.Single(await Alerts.ListAsync(new AlertQuery { RuleId = ruleB }));
        AssertSameAlert(b1, listed.Alert);
        Assert.Empty(listed.Transitions);
    }

    [Fact]
    public async Task List_NewestFirstThenIdDescending_LimitKeepsNewest()
    {
        string ruleId = NewRuleId();
        // Same start, different instruments: the id breaks the tie.
        var alerts = Enumerable.Range(0, 4).Select(i => NewAlert(ruleId, [NewInstrument().Value], T0.AddHours(i / 2), AlertState.Firing)).ToList();
        await Alerts.AppendTransitionsAsync([.. alerts.Select(a => new AlertTransition(null, a.State, a.StartedAt, a))]);
        var expected = alerts.OrderByDescending(a => a.StartedAt).ThenByDescending(a => a.Id, StringComparer.Ordinal).Select(a => a.Id).ToList();

        Assert.Equal(expected, await ListIds(new AlertQuery { RuleId = ruleId }));
        Assert.Equal(expected[..3], await ListIds(new AlertQuery { RuleId = ruleId, Limit = 3 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Alerts.ListAsync(new AlertQuery { Limit = 0 }));
    }

    [Fact]
    public async Task Acknowledge_SameNameAgainKeepsFirstOtherNameTakesOver_SurvivesLaterTransitions()
    {
        var episode = Episode(NewRuleId(), [NewInstrument().Value], T0);
        string id = episode[0].Alert.Id;
        await Alerts.AppendTransitionsAsync(episode[..2]);

        var unknown = await Alerts.AcknowledgeAsync("0123456789abcdef0123456789abcdef", "ana", null, T0);
        var first = await Alerts.AcknowledgeAsync(id, "ana", "looking", T0.AddDays(1).AddMinutes(5), "desk-key");
        var again = await Alerts.AcknowledgeAsync(id, "ana", "retry", T0.AddDays(1).AddMinutes(9), "desk-key");
        await Alerts.AppendTransitionsAsync([episode[2]]);
        var afterResolve = await Alerts.GetAsync(id);
        var takenOver = await Alerts.AcknowledgeAsync(id, "ben", null, T0.AddDays(3), "ops-key");

        Assert.Null(unknown);
        var ana = new AlertAcknowledgement("ana", "looking", T0.AddDays(1).AddMinutes(5), "desk-key");
        Assert.Equal(ana, first!.Acknowledgement);
        Assert.Equal(2, first.Transitions.Count);
        Assert.Equal(ana, again!.Acknowledgement);
        Assert.Equal(ana, afterResolve!.Acknowledgement);
        Assert.Equal(AlertState.Resolved, afterResolve.Alert.State);
        Assert.Equal(new AlertAcknowledgement("ben", null, T0.AddDays(3), "ops-key"), takenOver!.Acknowledgement);
        Assert.Equal(new AlertAcknowledgement("ben", null, T0.AddDays(3), "ops-key"), Assert.Single(await Alerts.ListAsync(new AlertQuery { RuleId = episode[0].Alert.RuleId })).Acknowledgement);
    }

    [Fact]
    public async Task RecordActivity_AppliesAssignmentShelfAndCommentsAndKeepsTheHistoryInOrder()
    {
        var episode = Episode(NewRuleId(), [NewInstrument().Value], T0);
        string id = episode[0].Alert.Id;
        await Alerts.AppendTransitionsAsync(episode[..2]);
        var at = T0.AddDays(1);

        Assert.Null(await Alerts.RecordActivityAsync("0123456789abcdef0123456789abcdef", new AlertActivity(AlertActivityKind.Comment, at, "ana", null, "x")));
        await Alerts.RecordActivityAsync(id, new AlertActivity(AlertActivityKind.Assigned, at, "ana", "desk-key", Assignee: "ben"));
        await Alerts.RecordActivityAsync(id, new AlertActivity(AlertActivityKind.Shelved, at.AddMinutes(1), "ana", "desk-key", "roll", Until: at.AddHours(4)));
        await Alerts.RecordActivityAsync(id, new AlertActivity(AlertActivityKind.Comment, at.AddMinutes(2), "ben", "ops-key", "line one\nline two"));
        await Alerts.AcknowledgeAsync(id, "ben", "mine", at.AddMinutes(3), "ops-key");
        await Alerts.AppendTransitionsAsync([episode[2]]);
        var stored = await Alerts.GetAsync(id);

        Assert.Equal(new AlertAssignment("ben", "ana", "desk-key", at), stored!.Assignment);
        Assert.Equal(new AlertShelf(at.AddHours(4), "ana", "desk-key", at.AddMinutes(1)), stored.Shelf);
        Assert.True(stored.IsShelvedAt(at.AddHours(4).AddTicks(-10)));
        Assert.False(stored.IsShelvedAt(at.AddHours(4)));
        Assert.Equal(1, stored.CommentCount);
        Assert.Equal(
            [
                new AlertActivity(AlertActivityKind.Assigned, at, "ana", "desk-key", Assignee: "ben"),
                new AlertActivity(AlertActivityKind.Shelved, at.AddMinutes(1), "ana", "desk-key", "roll", Until: at.AddHours(4)),
                new AlertActivity(AlertActivityKind.Comment, at.AddMinutes(2), "ben", "ops-key", "line one\nline two"),
                new AlertActivity(AlertActivityKind.Acknowledged, at.AddMinutes(3), "ben", "ops-key", "mine"),
            ],
            stored.Activity);
        var listed = Assert.Single(await Alerts.ListAsync(new AlertQuery { Ids = [id, "unknown"] }));
        Assert.Equal((stored.Assignment, stored.Shelf, 1), (listed.Assignment, listed.Shelf, listed.CommentCount));
        Assert.Empty(listed.Activity);

        await Alerts.RecordActivityAsync(id, new AlertActivity(AlertActivityKind.Unassigned, at.AddHours(1), "ben", "ops-key"));
        var cleared = await Alerts.RecordActivityAsync(id, new AlertActivity(AlertActivityKind.Unshelved, at.AddHours(1), "ben", "ops-key"));
        Assert.Null(cleared!.Assignment);
        Assert.Null(cleared.Shelf);
        Assert.Equal(6, cleared.Activity.Count);
        await Assert.ThrowsAsync<ArgumentException>(() => Alerts.RecordActivityAsync(id, new AlertActivity(AlertActivityKind.Acknowledged, at, "ben", null)));
    }

    // ---- silences

    [Fact]
    public async Task Silences_CreateListDelete_ActiveAtFiltersByWindow()
    {
        string ruleId = NewRuleId();
        var early = await Silences.CreateAsync(new SilenceRequest(ruleId, null, T0, T0.AddHours(1), "deploy", "ana"), T0.AddMinutes(-5));
        var late = await Silences.CreateAsync(new SilenceRequest(null, NewInstrument().Value, T0.AddHours(1), T0.AddHours(2), "", "ben"), T0);

        Assert.True(Guid.TryParse(early.Id, out _));
        Assert.NotEqual(early.Id, late.Id);
        Assert.Equal(new Silence(early.Id, ruleId, null, T0, T0.AddHours(1), "deploy", "ana", T0.AddMinutes(-5)), early);
        var mine = new HashSet<string> { early.Id, late.Id };
        Assert.Equal([early, late], (await Silences.ListAsync()).Where(s => mine.Contains(s.Id)));
        Assert.Equal([early], (await Silences.ListAsync(T0)).Where(s => mine.Contains(s.Id)));
        Assert.Equal([late], (await Silences.ListAsync(T0.AddHours(1))).Where(s => mine.Contains(s.Id))); // the end is exclusive
        Assert.DoesNotContain(await Silences.ListAsync(T0.AddHours(2)), s => mine.Contains(s.Id));

        Assert.True(await Silences.DeleteAsync(early.Id));
        Assert.False(await Silences.DeleteAsync(early.Id));
        Assert.Equal([late], (await Silences.ListAsync()).Where(s => mine.Contains(s.Id)));
    }

    [Fact]
    public async Task SilenceCreate_EndNotAfterStart_Refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Silences.CreateAsync(new SilenceRequest(NewRuleId(), null, T0, T0, "x", "ana"), T0));
    }

    [Fact]
    public async Task AppendTransitions_MatchingSilence_RecordedAndFlaggedSilenced()
    {
        string ruleId = NewRuleId();
        string instrument = NewInstrument().Value;
        string secondInstrument = NewInstrument().Value;
        // Silences the pending and firing transitions (T0, T0 + 1d), not the resolution (T0 + 2d).
        await Silences.CreateAsync(new SilenceRequest(ruleId, null, T0, T0.AddDays(2), "maintenance", "ana"), T0);
        await Silences.CreateAsync(new SilenceRequest(null, secondInstrument, T0.AddDays(10), T0.AddDays(11), "by instrument", "ana"), T0);
        var episode = Episode(ruleId, [instrument], T0);
        var byInstrument = NewAlert(NewRuleId(), [instrument, secondInstrument], T0.AddDays(10), AlertState.Firing);
        var otherRule = NewAlert(NewRuleId(), [instrument], T0, AlertState.Firing);

        var recorded = await Alerts.AppendTransitionsAsync(
            [.. episode, new AlertTransition(null, AlertState.Firing, T0.AddDays(10), byInstrument), new AlertTransition(null, AlertState.Firing, T0, otherRule)]);

        Assert.Equal([true, true, false, true, false], recorded.Select(r => r.Silenced));
        var stored = await Alerts.GetAsync(episode[0].Alert.Id);
        Assert.False(stored!.Silenced); // the latest transition decides
        Assert.Equal([true, true, false], stored.Transitions.Select(t => t.Silenced));
        Assert.True((await Alerts.GetAsync(byInstrument.Id))!.Silenced);
        Assert.False((await Alerts.GetAsync(otherRule.Id))!.Silenced);
    }

    // ---- restarts

    [Fact]
    public async Task Reopen_RulesAlertsAndSilences_ReadBackFromAnotherStore()
    {
        var rule = NewRule();
        await Rules.PutAsync(rule, T0, "ana");
        var episode = Episode(rule.Id, [NewInstrument().Value], T0);
        await Alerts.AppendTransitionsAsync(episode[..2]);
        await Alerts.AcknowledgeAsync(episode[0].Alert.Id, "ana", "on it", T0.AddDays(1));
        var silence = await Silences.CreateAsync(new SilenceRequest(rule.Id, null, T0.AddDays(5), T0.AddDays(6), "later", "ana"), T0);

        await using var reopened = await Fixture.OpenAsync();

        Assert.Equal(RuleJson.Serialize(rule), (await reopened.Rules.GetAsync(rule.Id))!.Json);
        var alert = await reopened.Alerts.GetAsync(episode[0].Alert.Id);
        AssertSameAlert(episode[1].Alert, alert!.Alert);
        Assert.Equal(new AlertAcknowledgement("ana", "on it", T0.AddDays(1)), alert.Acknowledgement);
        Assert.Contains(silence, await reopened.Silences.ListAsync());
        // A restart that replays the episode raises nothing again; the rest of it is new.
        var replayed = await reopened.Alerts.AppendTransitionsAsync(episode);
        Assert.Equal([episode[2]], replayed.Select(r => r.Transition));
    }

    [Fact]
    public async Task ListByLabel_UnicodeKeysAndValues_MatchExactlyAndAll()
    {
        string ruleId = NewRuleId();
        string instrument = NewInstrument().Value;
        var precious = RuleLabels.From([KeyValuePair.Create("desk", "métaux précieux"), KeyValuePair.Create("トレーダー", "田中")]);
        var labelled = Episode(ruleId, [instrument], T0).Select(t => t with { Alert = t.Alert with { Labels = precious, RuleVersion = 3 } }).ToArray();
        var other = Episode(ruleId, [instrument], T0.AddDays(10));
        await Alerts.AppendTransitionsAsync([.. labelled, .. other]);
        var query = new AlertQuery { RuleId = ruleId };

        var both = await ListIds(query with { Labels = new Dictionary<string, string> { ["desk"] = "métaux précieux", ["トレーダー"] = "田中" } });
        var wrongValue = await ListIds(query with { Labels = new Dictionary<string, string> { ["desk"] = "métaux" } });
        var unknownKey = await ListIds(query with { Labels = new Dictionary<string, string> { ["desk"] = "métaux précieux", ["région"] = "EU" } });
        var stored = await Alerts.GetAsync(labelled[0].Alert.Id);

        Assert.Equal([labelled[0].Alert.Id], both);
        Assert.Empty(wrongValue);
        Assert.Empty(unknownKey);
        Assert.Equal(2, (await ListIds(query)).Count);
        Assert.Equal(precious, stored!.Alert.Labels);
        Assert.Equal(3, stored.Alert.RuleVersion);
    }

    // ---- helpers

    private async Task<List<string>> ListIds(AlertQuery query) => [.. (await Alerts.ListAsync(query)).Select(a => a.Alert.Id)];

    internal static string NewRuleId() => $"rule-{Guid.NewGuid():N}";

    internal static RuleDefinition Threshold(string id, Core.Market.InstrumentId instrument) => RuleJson.Parse(
        $$$"""{"id":"{{{id}}}","type":"threshold","interval":"1m","params":{"input":"{{{instrument}}}@rsi(14)","op":"above","value":70}}""").Rule!;

    private static RuleDefinition Ratio(string id, Core.Market.InstrumentId numerator, Core.Market.InstrumentId denominator) => RuleJson.Parse(
        $$$"""{"id":"{{{id}}}","type":"ratioZScore","interval":"1m","params":{"numerator":"{{{numerator}}}","denominator":"{{{denominator}}}","window":"20","z":2}}""").Rule!;

    internal static RuleDefinition NewRule(string? id = null)
    {
        var template = DefaultRules.All[0];
        id ??= NewRuleId();
        return template with { Id = id, Name = $"{template.Name} ({id})" };
    }

    internal static Alert NewAlert(string ruleId, string[] instruments, DateTimeOffset startedAt, AlertState state) => new(
        AlertId.Create(ruleId, instruments, startedAt),
        ruleId,
        $"Rule {ruleId}",
        RuleType.PriceFlowDivergence,
        AlertSeverity.Critical,
        instruments,
        state,
        null,
        startedAt,
        state == AlertState.Pending ? null : startedAt,
        state == AlertState.Resolved ? startedAt.AddHours(1) : null,
        $"message of {ruleId}",
        new Dictionary<string, double> { ["value"] = 1.5 });

    /// <summary>Pending at <paramref name="start"/>, firing a day later, resolved two days later.</summary>
    internal static AlertTransition[] Episode(string ruleId, string[] instruments, DateTimeOffset start)
    {
        var pending = NewAlert(ruleId, instruments, start, AlertState.Pending);
        var firing = pending with { State = AlertState.Firing, FiredAt = start.AddDays(1), Message = "fired", Values = new Dictionary<string, double> { ["value"] = 2.5 } };
        var resolved = firing with { State = AlertState.Resolved, ResolvedAt = start.AddDays(2) };
        return
        [
            new AlertTransition(null, AlertState.Pending, start, pending),
            new AlertTransition(AlertState.Pending, AlertState.Firing, start.AddDays(1), firing),
            new AlertTransition(AlertState.Firing, AlertState.Resolved, start.AddDays(2), resolved),
        ];
    }

    /// <summary>Record equality compares the lists by reference; this compares them by content.</summary>
    internal static void AssertSameAlert(Alert expected, Alert actual)
    {
        Assert.Equal(expected with { Instruments = [], Values = Empty, Inputs = [] }, actual with { Instruments = [], Values = Empty, Inputs = [] });
        Assert.Equal(expected.Instruments, actual.Instruments);
        Assert.Equal(expected.Inputs, actual.Inputs);
        Assert.Equal(expected.Values.OrderBy(pair => pair.Key, StringComparer.Ordinal), actual.Values.OrderBy(pair => pair.Key, StringComparer.Ordinal));
        Assert.Equal(TimeSpan.Zero, actual.StartedAt.Offset);
    }

    private static readonly Dictionary<string, double> Empty = [];
}

public sealed class SqliteAlertStoreTests(SqliteStoreFixture fixture)
    : AlertStoreBehaviourTests<SqliteStoreFixture>(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresAlertStoreTests(PostgresStoreFixture fixture)
    : AlertStoreBehaviourTests<PostgresStoreFixture>(fixture), IClassFixture<PostgresStoreFixture>;
