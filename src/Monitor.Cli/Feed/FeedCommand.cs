using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Xml;
using Monitor.Core.Market;
using Monitor.Core.Simulation;

namespace Monitor.Cli.Feed;

/// <summary>
/// <c>monitor feed</c>: runs the market simulator in real time and posts its ticks and inventory values to a
/// running server (docs/api.md, CLI), for demos and as a load generator.
/// </summary>
internal static class FeedCommand
{
    /// <summary>The server's per-request limit (docs/api.md, Ingest).</summary>
    public const int MaxBatch = 10_000;

    public static Command Create()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "base address of a running Monitor server, such as http://127.0.0.1:5080",
            Required = true,
            CustomParser = ParseUrl,
        };
        var apiKey = new Option<string>("--api-key") { Description = "API key with the ingest role (sent as X-Api-Key)", Required = true };
        var rate = new Option<double>("--rate")
        {
            Description = "ticks per second across all instruments; 0 sends as fast as the server takes them",
            DefaultValueFactory = _ => 200,
        };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "how long to run (30s, 5m, 1h30m, PT1M, 00:01:00); until Ctrl-C when absent",
            CustomParser = ParseDuration,
        };
        var instruments = new Option<string[]>("--instruments")
        {
            Description = "instruments to simulate, space or comma separated (default: all built-in ones)",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = ParseInstruments,
        };
        var batch = new Option<int>("--batch") { Description = $"ticks per request, at most (1-{MaxBatch})", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "concurrent requests, or stream connections with --stream (1-256); an instrument always goes through the same one, so its ticks arrive in order",
            DefaultValueFactory = _ => 4,
        };
        var seed = new Option<int?>("--seed") { Description = "seed of the simulated market (random and printed when absent)" };
        var measureLatency = new Option<bool>("--measure-latency")
        {
            Description = $"also connect to URL/{MarketHubListener.HubPath}, subscribe to the instruments fed (taking quote batches) and report, for every tick, the time from sending it to the first quote that carries it or a later tick",
        };
        var hubClients = new Option<int>("--hub-clients")
        {
            Description = "with --measure-latency: hub connections to open, each subscribed to every instrument fed (1-10000); the summary gives the worst one's p99 too",
            DefaultValueFactory = _ => 1,
        };
        var hubInstruments = new Option<int?>("--hub-instruments")
        {
            Description = "with --measure-latency: the hub connections subscribe to the first N instruments fed only (1-1000), and only their ticks are measured",
        };
        var warmup = new Option<TimeSpan?>("--warmup")
        {
            Description = "leave the latencies of the run's first this-long (JIT and connection warm-up) out of the totals (10s, PT10S)",
            CustomParser = ParseDuration,
        };
        var stream = new Option<bool>("--stream")
        {
            Description = $"send ticks over the tick stream (URL/{TickStreamClient.StreamPath}, a WebSocket per --concurrency) instead of POST requests: batches acknowledged as stored, resent after a reconnect",
        };
        var spread = new Option<int>("--spread")
        {
            Description = $"spread the simulated ticks over N generated instruments, {FeedSettings.SpreadPrefix}0 to {FeedSettings.SpreadPrefix}N-1 (create them first, with PUT /api/v1/instruments): each follows one simulated instrument and takes its ticks in turn with the others that follow it (0, the default: feed the simulated instruments)",
        };
        var json = new Option<bool>("--json") { Description = "print the final summary as one JSON object; progress and warnings go to standard error" };

        rate.Validators.Add(result => Require(result, double.IsFinite(result.GetValueOrDefault<double>()) && result.GetValueOrDefault<double>() >= 0, "--rate must be a number from 0"));
        batch.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 1 and <= MaxBatch, $"--batch must be from 1 to {MaxBatch}"));
        hubClients.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 1 and <= 10_000, "--hub-clients must be from 1 to 10000"));
        hubInstruments.Validators.Add(result => Require(result, result.GetValueOrDefault<int?>() is null or (>= 1 and <= 1000), "--hub-instruments must be from 1 to 1000"));
        spread.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 0 and <= 100_000, "--spread must be from 0 to 100000"));
        concurrency.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 1 and <= 256, "--concurrency must be from 1 to 256"));

        var command = new Command("feed", "Sends simulated ticks and inventory values to a running server, in real time or as fast as it takes them")
        {
            url, apiKey, rate, duration, instruments, batch, concurrency, seed, measureLatency, hubClients, hubInstruments, warmup, stream, spread, json,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var settings = new FeedSettings(
                result.GetValue(url)!,
                result.GetValue(apiKey)!,
                result.GetValue(rate),
                result.GetValue(duration),
                result.GetValue(instruments) ?? [],
                result.GetValue(batch),
                result.GetValue(concurrency),
                result.GetValue(seed) ?? Random.Shared.Next())
            {
                MeasureLatency = result.GetValue(measureLatency),
                HubClients = result.GetValue(hubClients),
                HubInstruments = result.GetValue(hubInstruments),
                Warmup = result.GetValue(warmup) ?? TimeSpan.Zero,
                Stream = result.GetValue(stream),
                Spread = result.GetValue(spread),
                Json = result.GetValue(json),
            };
            var configuration = result.InvocationConfiguration;
            return FeedRunner.RunAsync(settings, configuration.Output, configuration.Error, TimeProvider.System, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// A duration as <c>30s</c>, <c>500ms</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c> (units may be combined), ISO-8601
    /// (<c>PT1M</c>) or a .NET time span (<c>00:01:00</c>). Must be above zero.
    /// </summary>
    internal static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text?.Trim() ?? "";
        if (text.Length == 0)
        {
            return false;
        }

        if (text[0] is 'P' or 'p')
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
            }
            catch (FormatException)
            {
                return false;
            }
        }
        else if (text.Contains(':', StringComparison.Ordinal))
        {
            if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration))
            {
                return false;
            }
        }
        else if (!TryParseUnits(text, out duration))
        {
            return false;
        }

        return duration > TimeSpan.Zero;
    }

    private static bool TryParseUnits(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if (!double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            {
                return false;
            }

            double? seconds = text[unitStart..i].ToUpperInvariant() switch
            {
                "MS" => amount / 1000,
                "S" => amount,
                "M" => amount * 60,
                "H" => amount * 3600,
                "D" => amount * 86_400,
                _ => null,
            };
            if (seconds is null || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return false;
            }

            duration += TimeSpan.FromSeconds(seconds.Value);
        }

        return true;
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParseDuration(text, out var duration))
        {
            return duration;
        }

        result.AddError($"--duration '{text}' is not a duration above zero; write 30s, 5m, 1h30m, PT1M or 00:01:00");
        return null;
    }

    internal static Uri ParseUrl(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            // A base address must end with '/' for relative paths to stay under it (http://host/monitor/api/v1/ticks).
            return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
        }

        result.AddError($"--url '{text}' is not an http(s) address such as http://127.0.0.1:5080");
        return null!;
    }

    private static string[] ParseInstruments(ArgumentResult result)
    {
        var ids = new List<string>();
        foreach (var token in result.Tokens)
        {
            foreach (string part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!InstrumentId.TryParse(part, out var id, out string error))
                {
                    result.AddError($"--instruments: {error}");
                }
                else if (!MarketCalibration.TryGetProfile(id, out _))
                {
                    result.AddError($"--instruments: {id} is not simulated; the simulator knows {string.Join(", ", MarketCalibration.Instruments.Select(p => p.Instrument))}");
                }
                else
                {
                    ids.Add(id.Value);
                }
            }
        }

        return [.. ids.Distinct()];
    }

    private static void Require(OptionResult result, bool condition, string error)
    {
        if (!condition)
        {
            result.AddError(error);
        }
    }
}
