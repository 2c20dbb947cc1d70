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
    /// The rule fired once per phase above 100 the acknowledged ticks reached and resolved once per phase it left:
    /// each episode one alert, each transition stored once.
    /// </summary>
    public static async Task AssertAlertsOnceAsync(HttpClient read, long ruleInstrumentThrough)
    {
        long lastPhase = (ruleInstrumentThrough - 1) / 10;
        long expectedFired = (lastPhase + 1) / 2, expectedResolved = lastPhase / 2;
        var alerts = (await read.GetJsonAsync($"/api/v1/alerts?ruleId={SteadyFeed.RuleId}&limit=1000")).AsArray();
        int fired = 0, resolved = 0;
        foreach (var alert in alerts)
        {
            string id = alert!["id"]!.GetValue<string>();
            var transitions = (await read.GetJsonAsync($"/api/v1/alerts/{Uri.EscapeDataString(id)}"))["transitions"]!.AsArray()
                .Select(t => t!["to"]!.GetValue<string>()).ToList();
            Assert.True(transitions.Distinct().Count() == transitions.Count, $"alert {id} has a transition twice: {string.Join(", ", transitions)}");
            fired += transitions.Count(t => t == "firing");
            resolved += transitions.Count(t => t == "resolved");
        }

        Assert.True(expectedFired > 1, $"the run was too short to fire the rule twice ({ruleInstrumentThrough} ticks)");
        Assert.Equal((expectedFired, expectedResolved), (fired, resolved));
        Assert.Equal(expectedFired, alerts.Count);
    }

    public static async Task CreateRuleAsync(HttpClient admin, string instrument)
    {
        var response = await admin.PostJsonAsync("/api/v1/rules", SteadyFeed.Rule(instrument));
        await response.OkJsonAsync();
    }
}
