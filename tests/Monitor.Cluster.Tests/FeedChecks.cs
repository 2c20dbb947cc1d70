using Npgsql;

namespace Monitor.Cluster.Tests;

/// <summary>What a <see cref="SteadyFeed"/> had acknowledged must be in the cluster exactly once: stored, applied and alerted on.</summary>
internal static class FeedChecks
{
    /// <summary>Each instrument's ticks 1..n were all acknowledged (a sender moves on only then); n per instrument.</summary>
    public static Dictionary<string, long> AcknowledgedThrough(SteadyFeed feed)
    {
        var acked = feed.Acks.GroupBy(a => a.Instrument).ToDictionary(g => g.Key, g => g.Select(a => a.Seq).ToList());
        foreach (var (instrument, seqs) in acked)
        {
            Assert.True(seqs.Order().SequenceEqual(Enumerable.Range(1, seqs.Count).Select(i => (long)i)), $"{instrument}: acknowledged seqs are not 1..{seqs.Count}");
        }

        return acked.ToDictionary(p => p.Key, p => (long)p.Value.Count);
    }

    /// <summary>Every acknowledged tick is in the tick table once, and nothing else is.</summary>
    public static async Task AssertStoredOnceAsync(string connectionString, IReadOnlyDictionary<string, long> acked)
    {
        var stored = new Dictionary<string, (long Rows, long Seqs, long MaxSeq)>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT i.name, count(*), count(DISTINCT t.seq), max(t.seq) FROM ticks t JOIN instruments i ON i.id = t.instrument_id GROUP BY i.name",
                connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }
        }

        Assert.Equal(acked.Keys.Order(), stored.Keys.Order());
        foreach (var (instrument, n) in acked)
        {
            Assert.True(stored[instrument] == (n, n, n), $"{instrument}: {n} ticks acknowledged, stored (rows, distinct seqs, max seq) = {stored[instrument]}");
        }
    }

    /// <summary>Every acknowledged tick went into the bars once: each has volume 1, so the 1m bars' volume is the count.</summary>
    public static async Task AssertAppliedOnceAsync(HttpClient read, IReadOnlyDictionary<string, long> acked)
    {
        foreach (var (instrument, n) in acked)
        {
            var bars = (await read.GetJsonAsync($"/api/v1/instruments/{instrument}/bars?interval=1m&limit=10000")).AsArray();
            Assert.True(n == bars.Sum(b => b!["volume"]!.GetValue<double>()), $"{instrument}: {n} ticks acknowledged, bars hold volume {bars.Sum(b => b!["volume"]!.GetValue<double>())}");
        }
    }

    /// <summary>
    /// The rule fired once per phase above the line the acknowledged ticks reached and resolved once per phase it left:
    /// each episode one alert, each transition stored once. A rule grain evaluates the last ticks after its inputs have
    /// been quiet for a while, so the counts are awaited.
    /// </summary>
    public static async Task AssertAlertsOnceAsync(HttpClient read, string ruleId, long ruleInstrumentThrough)
    {
        long lastPhase = (ruleInstrumentThrough - 1) / 10;
        long expectedFired = (lastPhase + 1) / 2, expectedResolved = lastPhase / 2;
        Assert.True(expectedFired > 1, $"the run was too short to fire the rule twice ({ruleInstrumentThrough} ticks)");
        var (alerts, fired, resolved, repeated) = await Eventually.GetAsync(
            () => CountAsync(read, ruleId),
            counts => (counts.Fired, counts.Resolved) == (expectedFired, expectedResolved),
            TimeSpan.FromSeconds(20),
            $"{ruleId}: {expectedFired} firings and {expectedResolved} resolutions");
        Assert.Empty(repeated);
        Assert.Equal((expectedFired, expectedResolved), (fired, resolved));
        Assert.Equal(expectedFired, alerts);
    }

    private static async Task<(int Alerts, long Fired, long Resolved, List<string> Repeated)> CountAsync(HttpClient read, string ruleId)
    {
        var alerts = (await read.GetJsonAsync($"/api/v1/alerts?ruleId={ruleId}&limit=1000")).AsArray();
        long fired = 0, resolved = 0;
        var repeated = new List<string>();
        foreach (var alert in alerts)
        {
            string id = alert!["id"]!.GetValue<string>();
            var transitions = (await read.GetJsonAsync($"/api/v1/alerts/{Uri.EscapeDataString(id)}"))["transitions"]!.AsArray()
                .Select(t => t!["to"]!.GetValue<string>()).ToList();
            if (transitions.Distinct().Count() != transitions.Count)
            {
                repeated.Add($"alert {id} has a transition twice: {string.Join(", ", transitions)}");
            }

            fired += transitions.Count(t => t == "firing");
            resolved += transitions.Count(t => t == "resolved");
        }

        return (alerts.Count, fired, resolved, repeated);
    }

    public static async Task CreateRuleAsync(HttpClient admin, string json) => await (await admin.PostJsonAsync("/api/v1/rules", json)).OkJsonAsync();
}
