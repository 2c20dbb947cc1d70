namespace Monitor.Cluster.Tests;

/// <summary>
/// Instruments whose grains are known to live on each of two silos. Orleans places a grain where it sees fit (its
/// resource-optimised placement prefers the calling silo, but not always), so this adds fresh instruments, activates
/// each from one silo and asks the cluster where it went, until each silo holds enough.
/// </summary>
internal static class GrainPlacement
{
    private const int MaxInstruments = 100;

    private const int MaxRules = 20;

    private const string Definition = """{"name":"Placement probe","kind":"future","currency":"USD","unit":"USD/t","intervals":["1m","1h"]}""";

    public static async Task<(List<string> OnA, List<string> OnB)> PlaceAsync(ServerProcess a, ServerProcess b, int perSilo)
    {
        List<string> onA = [], onB = [];
        ServerProcess[] silos = [a, b];
        for (int n = 1; onA.Count < perSilo || onB.Count < perSilo; n++)
        {
            Assert.True(n <= MaxInstruments, $"after {MaxInstruments} instruments, A holds {onA.Count} and B {onB.Count}");
            string instrument = $"TEST:P{n}";

            // Put on both silos, so both know it at once (a silo learns of one added elsewhere within seconds), then
            // activated from one of them.
            foreach (var silo in silos)
            {
                await (await silo.CreateClient(TestApiKeys.Admin).PutAsync($"/api/v1/instruments/{instrument}", JsonContent(Definition))).OkJsonAsync();
            }

            await silos[n % 2].CreateClient().GetJsonAsync($"/api/v1/instruments/{instrument}");
            (await HostAsync(b, "instruments", instrument) ? onB : onA).Add(instrument);
        }

        return (onA[..perSilo], onB[..perSilo]);
    }

    /// <summary>
    /// Creates a rule over several instruments, <paramref name="rule"/> given an id, through <paramref name="silo"/> until
    /// Orleans places its rule grain there (creating a rule activates its grain); the others are deleted. Returns its id
    /// and whether its grain is on <paramref name="silo"/>: placement weighs the silos' load, and on a machine busy with
    /// other work it may keep choosing the other silo, so after <see cref="MaxRules"/> tries the last rule is kept where
    /// it went (its grain is still fed by the instruments on both silos).
    /// </summary>
    public static async Task<(string Id, bool OnSilo)> PlaceRuleAsync(ServerProcess silo, Func<string, string> rule)
    {
        var admin = silo.CreateClient(TestApiKeys.Admin);
        for (int n = 1; ; n++)
        {
            string id = $"spread-{n}";
            await (await admin.PostJsonAsync("/api/v1/rules", rule(id))).OkJsonAsync();
            if (await HostAsync(silo, "rules", id))
            {
                return (id, true);
            }

            if (n == MaxRules)
            {
                return (id, false);
            }

            (await admin.DeleteAsync($"/api/v1/rules/{id}")).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Whether <paramref name="silo"/> holds the grain of <paramref name="key"/> among its <paramref name="kind"/> (by the cluster API, asked of that silo).</summary>
    private static async Task<bool> HostAsync(ServerProcess silo, string kind, string key)
    {
        var cluster = await silo.CreateClient().GetJsonAsync("/api/v1/cluster");
        var self = cluster["silos"]!.AsArray().Single(s => s!["self"]!.GetValue<bool>())!;
        return self[kind]!.AsArray().Any(i => i!.GetValue<string>() == key);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
