using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Monitor.Testing;

namespace Monitor.Board.Tools;

/// <summary>
/// The board with every instrument updating at full speed: a real server process, Debian's Chromium on the board,
/// and a poster that sends ticks for every instrument as fast as asked. The page records the gap between animation
/// frames, long tasks (over 50 ms on the main thread), how often price cells change, and its heap; Chromium's
/// metrics give the main thread's busy time.
/// </summary>
internal static class LoadCommand
{
    /// <summary><c>load [seconds, default 30] [ticks per second, default 20000]</c></summary>
    public static async Task RunAsync(string[] args)
    {
        int seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        int ticksPerSecond = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;

        string directory = Directory.CreateTempSubdirectory("monitor-board-load-").FullName;
        var server = await ServerProcess.StartAsync(directory);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var page = await browser.NewPageAsync(Chromium.WallScreen);
            await page.AddInitScriptAsync("""
                window.__load = { frames: [], longTasks: [], priceChanges: 0 };
                let last = 0;
                const frame = (t) => { if (last) window.__load.frames.push(t - last); last = t; requestAnimationFrame(frame); };
                requestAnimationFrame(frame);
                new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__load.longTasks.push(e.duration); }).observe({ type: "longtask", buffered: true });
                new MutationObserver((records) => {
                  for (const r of records) if (r.target.parentElement?.classList?.contains("price") || r.target.classList?.contains?.("price")) window.__load.priceChanges++;
                }).observe(document, { subtree: true, childList: true, characterData: true });
                """);
            await page.GotoAsync(server.BaseAddress.ToString());
            await Chromium.ExpectLiveAsync(page);

            using var ingest = server.CreateClient(TestApiKeys.Ingest);
            var instruments = (await ingest.GetFromJsonAsync<JsonElement[]>("/api/v1/instruments"))!.Select(i => i.GetProperty("id").GetString()!).ToArray();
            var prices = instruments.ToDictionary(id => id, _ => 100.0);
            var random = new Random(7);
            var cdp = await page.Context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Performance.enable");
            async Task<Dictionary<string, double>> MainThreadAsync() =>
                (await cdp.SendAsync("Performance.getMetrics"))!.Value.GetProperty("metrics").EnumerateArray()
                    .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
            await page.EvaluateAsync("() => { window.__load.frames = []; window.__load.longTasks = []; window.__load.priceChanges = 0; }");
            var threadBefore = await MainThreadAsync();
            double heapBefore = await page.EvaluateAsync<double>("() => performance.memory.usedJSHeapSize");

            // Batches every 50 ms, ticks spread over the instruments, timestamps moving forward.
            var clock = Stopwatch.StartNew();
            long posted = 0;
            const int BatchMs = 50;
            int perBatch = Math.Max(instruments.Length, ticksPerSecond * BatchMs / 1000);
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                var now = DateTimeOffset.UtcNow;
                var batch = Enumerable.Range(0, perBatch).Select(i =>
                {
                    string id = instruments[i % instruments.Length];
                    prices[id] *= 1 + ((random.NextDouble() - 0.5) * 0.002);
                    return new { instrument = id, ts = now.AddTicks(i), price = Math.Round(prices[id], 4), volume = 1 };
                }).ToArray();
                (await ingest.PostAsJsonAsync("/api/v1/ticks", batch)).EnsureSuccessStatusCode();
                posted += batch.Length;
                var wait = TimeSpan.FromMilliseconds(BatchMs * (posted / perBatch)) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }

            double elapsed = clock.Elapsed.TotalSeconds;
            var threadAfter = await MainThreadAsync();
            double Busy(string metric) => (threadAfter[metric] - threadBefore[metric]) / elapsed * 100;
            var result = await page.EvaluateAsync<JsonElement>("() => ({ frames: window.__load.frames, longTasks: window.__load.longTasks, priceChanges: window.__load.priceChanges, heap: performance.memory.usedJSHeapSize })");
            double[] frames = [.. result.GetProperty("frames").EnumerateArray().Select(f => f.GetDouble()).Order()];
            double[] longTasks = [.. result.GetProperty("longTasks").EnumerateArray().Select(f => f.GetDouble())];
            double Percentile(double p) => frames.Length == 0 ? double.NaN : frames[Math.Min(frames.Length - 1, (int)(p * frames.Length))];

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                {instruments.Length} instruments, {posted / elapsed:F0} ticks/s posted for {elapsed:F0} s
                frames: {frames.Length / elapsed:F1}/s, gap p50 {Percentile(0.5):F1} ms, p99 {Percentile(0.99):F1} ms, max {(frames.Length > 0 ? frames[^1] : double.NaN):F1} ms
                long tasks (> 50 ms): {longTasks.Length}, longest {(longTasks.Length > 0 ? longTasks.Max() : 0):F0} ms
                main thread busy {Busy("TaskDuration"):F1}% (script {Busy("ScriptDuration"):F1}%, style {Busy("RecalcStyleDuration"):F1}%, layout {Busy("LayoutDuration"):F1}%)
                price cells changed: {result.GetProperty("priceChanges").GetInt32() / elapsed:F0}/s
                JS heap: {heapBefore / 1e6:F1} MB before, {result.GetProperty("heap").GetDouble() / 1e6:F1} MB after
                """));
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
