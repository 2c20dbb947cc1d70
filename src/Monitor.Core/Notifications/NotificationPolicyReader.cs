using System.Globalization;
using System.Text.Json;
using Monitor.Core.Calendars;

namespace Monitor.Core.Notifications;

/// <summary>What a policy was read to: the policy when it has no errors, and every problem found, by path.</summary>
public sealed record PolicyReadResult(NotificationPolicy? Policy, IReadOnlyList<PolicyProblem> Problems);

/// <summary>
/// Reads a policy document (JSON; the CLI turns YAML into the same JSON) and reports every problem at its path rather
/// than stopping at the first: unknown fields, missing receivers, bad matchers and durations, time zones that do not
/// exist, overlapping times, intervals and receivers named twice or not at all. A matcher, <c>groupBy</c> or
/// <c>equal</c> on a label no rule has is a warning when <paramref name="knownLabels"/> is given.
/// </summary>
public static class NotificationPolicyReader
{
    private static readonly string[] RootFields = ["receivers", "route", "inhibitRules", "timeIntervals", "templates"];
    private static readonly string[] RouteFields =
        ["receiver", "matchers", "groupBy", "groupWait", "groupInterval", "repeatInterval", "continue", "muteTimeIntervals", "activeTimeIntervals", "routes"];
    private static readonly string[] WindowFields = ["times", "weekdays", "daysOfMonth", "months", "years", "timeZone"];
    private static readonly string[] IntervalFields = ["calendar", "when", "intervals", .. WindowFields];
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12].Select(m => m.ToLowerInvariant()).ToArray();

    public static PolicyReadResult Read(string json, IReadOnlySet<string>? knownLabels = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return new PolicyReadResult(null, [new PolicyProblem("$", $"is not JSON: {e.Message}")]);
        }

        using (document)
        {
            return Read(document.RootElement.Clone(), knownLabels);
        }
    }

    public static PolicyReadResult Read(JsonElement root, IReadOnlySet<string>? knownLabels = null)
    {
        var reader = new Reader(knownLabels);
        var policy = reader.ReadPolicy(root);
        return new PolicyReadResult(reader.Problems.Any(p => p.Severity == PolicyProblemSeverity.Error) ? null : policy, reader.Problems);
    }

    /// <summary>
    /// One time interval without a name, as a rule's <c>activeWhen</c> writes it (the fields of a policy's
    /// <c>timeIntervals</c> entry but <c>name</c>): the interval, named <paramref name="path"/>, when it has no errors,
    /// and every problem found, each with its path under <paramref name="path"/>.
    /// </summary>
    public static (TimeIntervalDefinition? Interval, IReadOnlyList<PolicyProblem> Problems) ReadTimeInterval(JsonElement element, string path)
    {
        var reader = new Reader(null);
        var interval = reader.ReadInterval(element, path, named: false);
        return (reader.Problems.Count == 0 ? interval : null, reader.Problems);
    }

    private sealed class Reader(IReadOnlySet<string>? knownLabels)
    {
        public List<PolicyProblem> Problems { get; } = [];

        public NotificationPolicy? ReadPolicy(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("$", "must be an object with receivers, route, inhibitRules, timeIntervals and templates");
                return null;
            }

            UnknownFields(root, "", RootFields);
            var receivers = List(root, "receivers", "", ReadReceiver);
            Duplicates(receivers.Select(r => r.Name), "receivers", "receiver");
            var intervals = List(root, "timeIntervals", "", (e, p) => ReadInterval(e, p, named: true));
            Duplicates(intervals.Select(i => i.Name), "timeIntervals", "time interval");
            var inhibitRules = List(root, "inhibitRules", "", ReadInhibitRule);
            var receiverNames = receivers.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            var intervalNames = intervals.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            PolicyRoute? route = null;
            if (!root.TryGetProperty("route", out var routeElement))
            {
                Error("route", "is missing: a policy needs a root route naming a receiver");
            }
            else
            {
                route = ReadRoute(routeElement, "route", true, receiverNames, intervalNames);
            }

            var templates = ReadTemplates(root, receiverNames);
            return route is null ? null : new NotificationPolicy(receivers, route, inhibitRules, intervals, templates, root);
        }

        private ReceiverDefinition? ReadReceiver(JsonElement element, string path)
        {
            if (!Object(element, path))
            {
                return null;
            }

            string? name = RequiredString(element, "name", path);
            bool sendResolved = Bool(element, "sendResolved", path) ?? true;
            string? kind = null;
            JsonElement settings = default;
            foreach (var property in element.EnumerateObject())
            {
                if (ReceiverKinds.All.Contains(property.Name))
                {
                    if (kind is not null)
                    {
                        Error($"{path}.{property.Name}", $"a receiver has one kind; this one is {kind} already (make another receiver)");
                        continue;
                    }

                    kind = property.Name;
                    settings = property.Value.Clone();
                    if (settings.ValueKind != JsonValueKind.Object)
                    {
                        Error($"{path}.{property.Name}", "must be an object");
                    }
                }
                else if (property.Name is not ("name" or "sendResolved"))
                {
                    Error($"{path}.{property.Name}", $"is not a receiver field: use name, sendResolved and one of {string.Join(", ", ReceiverKinds.All)}");
                }
            }

            return name is null ? null : new ReceiverDefinition(name, kind, settings, sendResolved);
        }

        private PolicyRoute? ReadRoute(JsonElement element, string path, bool root, HashSet<string> receivers, HashSet<string> intervals)
        {
            if (!Object(element, path))
            {
                return null;
            }

            UnknownFields(element, path, RouteFields);
            string? receiver = root ? RequiredString(element, "receiver", path) : OptionalString(element, "receiver", path);
            if (receiver is not null && !receivers.Contains(receiver))
            {
                Error($"{path}.receiver", $"names no receiver: '{receiver}' is not among receivers[].name");
            }

            var matchers = Matchers(element, "matchers", path);
            if (root && matchers.Count > 0)
            {
                Error($"{path}.matchers", "the root route takes every alert and has no matchers");
            }

            var groupBy = element.TryGetProperty("groupBy", out _) ? Strings(element, "groupBy", path) : null;
            if (groupBy is not null)
            {
                for (int i = 0; i < groupBy.Count; i++)
                {
                    if (groupBy[i] != RouteDefaults.AllLabels)
                    {
                        WarnUnknownLabel(groupBy[i], $"{path}.groupBy[{i}]");
                    }
                }
            }

            var muted = IntervalNames(element, "muteTimeIntervals", path, intervals);
            var active = IntervalNames(element, "activeTimeIntervals", path, intervals);
            if (root && (muted.Count > 0 || active.Count > 0))
            {
                Error(path, "the root route cannot be muted or limited: put muteTimeIntervals and activeTimeIntervals on a child route");
            }

            foreach (string name in muted.Intersect(active))
            {
                Error($"{path}.activeTimeIntervals", $"'{name}' is also in muteTimeIntervals: the route would never send");
            }

            bool isContinue = Bool(element, "continue", path) ?? false;
            if (root && isContinue)
            {
                Error($"{path}.continue", "the root route has no siblings to continue to");
            }

            var children = List(element, "routes", path, (child, childPath) => ReadRoute(child, childPath, false, receivers, intervals));
            return new PolicyRoute(
                receiver, matchers, groupBy,
                Duration(element, "groupWait", path, allowZero: true), Duration(element, "groupInterval", path, allowZero: false),
                Duration(element, "repeatInterval", path, allowZero: false),
                isContinue, muted, active, children);
        }

        private InhibitRule? ReadInhibitRule(JsonElement element, string path)
        {
            if (!Object(element, path))
            {
                return null;
            }

            UnknownFields(element, path, ["sourceMatchers", "targetMatchers", "equal"]);
            var source = Matchers(element, "sourceMatchers", path);
            var target = Matchers(element, "targetMatchers", path);
            if (source.Count == 0)
            {
                Error($"{path}.sourceMatchers", "is empty: an inhibition needs matchers for the alerts that inhibit");
            }

            if (target.Count == 0)
            {
                Error($"{path}.targetMatchers", "is empty: an inhibition needs matchers for the alerts it mutes");
            }

            var equal = Strings(element, "equal", path);
            for (int i = 0; i < equal.Count; i++)
            {
                WarnUnknownLabel(equal[i], $"{path}.equal[{i}]");
            }

            return new InhibitRule(source, target, equal);
        }

        public TimeIntervalDefinition? ReadInterval(JsonElement element, string path, bool named)
        {
            if (!Object(element, path))
            {
                return null;
            }

            UnknownFields(element, path, named ? ["name", .. IntervalFields] : IntervalFields);
            string? name = named ? RequiredString(element, "name", path) : path;
            ExchangeSession? session = null;
            bool open = false;
            if (OptionalString(element, "calendar", path) is { } calendar)
            {
                if (!ExchangeSession.TryGet(calendar, out session))
                {
                    Error($"{path}.calendar", $"'{calendar}' is not a calendar: use {string.Join(", ", ExchangeSession.All.Select(s => s.Name))}");
                }

                string? when = OptionalString(element, "when", path);
                open = when == "open";
                if (when is not ("open" or "closed"))
                {
                    Error($"{path}.when", "must be open or closed: whether the interval is the calendar's trading sessions or the time between them");
                }
            }
            else if (element.TryGetProperty("when", out _))
            {
                Error($"{path}.when", "goes with calendar");
            }

            var windows = new List<RecurringWindow>();
            if (WindowFields.Any(f => element.TryGetProperty(f, out _)))
            {
                if (ReadWindow(element, path) is { } window)
                {
                    windows.Add(window);
                }
            }

            windows.AddRange(List(element, "intervals", path, (e, p) => Object(e, p) && UnknownFields(e, p, WindowFields) ? ReadWindow(e, p) : null));
            if (session is null && windows.Count == 0 && !Problems.Any(p => p.Path.StartsWith(path, StringComparison.Ordinal)))
            {
                Error(path, "defines no time: give weekdays, times, daysOfMonth, months or years, or a calendar");
            }

            return name is null ? null : new TimeIntervalDefinition(name, windows, session, open);
        }

        private RecurringWindow? ReadWindow(JsonElement element, string path)
        {
            var zone = TimeZoneInfo.Utc;
            if (OptionalString(element, "timeZone", path) is { } zoneId)
            {
                if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found))
                {
                    Error($"{path}.timeZone", $"'{zoneId}' is not a time zone: use an IANA name such as America/New_York or Europe/London");
                    return null;
                }

                zone = found;
            }

            var times = List(element, "times", path, ReadTimeRange);
            for (int i = 0; i < times.Count; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    if (times[i].From < times[j].To && times[j].From < times[i].To)
                    {
                        Error($"{path}.times[{i}]", $"overlaps times[{j}]: write them as one range");
                    }
                }
            }

            var weekdays = Ranges(element, "weekdays", path, ParseWeekday, 0, 6)
                .SelectMany(r => Enumerable.Range(r.From, r.To - r.From + 1)).Select(d => (DayOfWeek)d).Distinct().ToList();
            var days = Ranges(element, "daysOfMonth", path, ParseDayOfMonth, -31, 31);
            var months = Ranges(element, "months", path, ParseMonth, 1, 12);
            var years = Ranges(element, "years", path, text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int y) ? y : null, 1, 9999);
            return new RecurringWindow(times, weekdays, days, months, years, zone);
        }

        private IntRange? ReadTimeRange(JsonElement element, string path)
        {
            if (!Object(element, path))
            {
                return null;
            }

            UnknownFields(element, path, ["start", "end"]);
            int? start = Minute(RequiredString(element, "start", path), $"{path}.start");
            int? end = Minute(RequiredString(element, "end", path), $"{path}.end");
            if (start is null || end is null)
            {
                return null;
            }

            if (start >= end)
            {
                Error(path, "ends before it starts: a range within one day, such as 09:00 to 17:00 (write 22:00-24:00 and 00:00-06:00 for a night)");
                return null;
            }

            return new IntRange(start.Value, end.Value);
        }

        private int? Minute(string? text, string path)
        {
            if (text is null)
            {
                return null;
            }

            var parts = text.Split(':');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) && parts[1].Length == 2
                && m < 60 && (h < 24 || (h == 24 && m == 0)))
            {
                return (h * 60) + m;
            }

            Error(path, $"'{text}' is not a time of day: write HH:MM, 00:00 to 24:00");
            return null;
        }

        private List<IntRange> Ranges(JsonElement element, string name, string path, Func<string, int?> parse, int min, int max)
        {
            var ranges = new List<IntRange>();
            var texts = Strings(element, name, path);
            for (int i = 0; i < texts.Count; i++)
            {
                var ends = texts[i].Split(':');
                int? from = ends.Length <= 2 ? parse(ends[0].Trim().ToLowerInvariant()) : null;
                int? to = ends.Length == 2 ? parse(ends[1].Trim().ToLowerInvariant()) : from;
                if (from is null || to is null || from < min || to > max || from > to || (min < 0 && (from == 0 || to == 0 || (from < 0) != (to < 0))))
                {
                    Error($"{path}.{name}[{i}]", $"'{texts[i]}' is not a {name} value or range (from:to) between {Describe(name)}");
                    continue;
                }

                ranges.Add(new IntRange(from.Value, to.Value));
            }

            return ranges;
        }

        private static string Describe(string name) => name switch
        {
            "weekdays" => "sunday and saturday (sunday:saturday is a whole week; monday:friday)",
            "daysOfMonth" => "1 and 31, or -31 and -1 counting from the month's end",
            "months" => "january (1) and december (12)",
            _ => "1 and 9999",
        };

        private static int? ParseWeekday(string text) =>
            Enum.TryParse<DayOfWeek>(text, ignoreCase: true, out var day) && !int.TryParse(text, out _) ? (int)day : null;

        private static int? ParseDayOfMonth(string text) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int day) ? day : null;

        private static int? ParseMonth(string text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int month) ? month
                : Array.IndexOf(MonthNames, text) is var index and >= 0 ? index + 1 : null;

        private Dictionary<string, string> ReadTemplates(JsonElement root, HashSet<string> receivers)
        {
            var templates = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!root.TryGetProperty("templates", out var element) || !Object(element, "templates"))
            {
                return templates;
            }

            foreach (var property in element.EnumerateObject())
            {
                string path = $"templates.{property.Name}";
                if (!receivers.Contains(property.Name))
                {
                    Error(path, $"names no receiver: a template is keyed by its receiver's name");
                }

                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    Error(path, "must be a string (a Liquid template)");
                    continue;
                }

                templates[property.Name] = property.Value.GetString()!;
            }

            return templates;
        }

        private List<LabelMatcher> Matchers(JsonElement element, string name, string path)
        {
            var matchers = new List<LabelMatcher>();
            var texts = Strings(element, name, path);
            for (int i = 0; i < texts.Count; i++)
            {
                if (LabelMatcher.TryParse(texts[i], out string? error) is { } matcher)
                {
                    matchers.Add(matcher);
                    WarnUnknownLabel(matcher.Name, $"{path}.{name}[{i}]");
                }
                else
                {
                    Error($"{path}.{name}[{i}]", error!);
                }
            }

            return matchers;
        }

        private List<string> IntervalNames(JsonElement element, string name, string path, HashSet<string> intervals)
        {
            var names = Strings(element, name, path);
            for (int i = 0; i < names.Count; i++)
            {
                if (!intervals.Contains(names[i]))
                {
                    Error($"{path}.{name}[{i}]", $"names no time interval: '{names[i]}' is not among timeIntervals[].name");
                }
            }

            return names;
        }

        private void WarnUnknownLabel(string label, string path)
        {
            if (knownLabels is not null && !knownLabels.Contains(label))
            {
                Problems.Add(new PolicyProblem(path, $"no rule has the label '{label}' (yet): it matches alerts as if the label were empty", PolicyProblemSeverity.Warning));
            }
        }

        private TimeSpan? Duration(JsonElement element, string name, string path, bool allowZero)
        {
            if (OptionalString(element, name, path) is not { } text)
            {
                return null;
            }

            if (PolicyDuration.TryParse(text, out var duration) && (allowZero || duration > TimeSpan.Zero))
            {
                return duration;
            }

            Error($"{path}.{name}", $"'{text}' is not a duration{(allowZero ? "" : " above zero")}: write 30s, 5m, 4h, 1d or ISO-8601 such as PT4H");
            return null;
        }

        private List<T> List<T>(JsonElement element, string name, string path, Func<JsonElement, string, T?> read)
            where T : class
        {
            var items = new List<T>();
            string at = Join(path, name);
            if (!element.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
            {
                return items;
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                Error(at, "must be a list");
                return items;
            }

            int i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (read(item, $"{at}[{i++}]") is { } value)
                {
                    items.Add(value);
                }
            }

            return items;
        }

        private List<IntRange> List(JsonElement element, string name, string path, Func<JsonElement, string, IntRange?> read) =>
            List<object>(element, name, path, (e, p) => read(e, p)).Cast<IntRange>().ToList();

        private List<string> Strings(JsonElement element, string name, string path) =>
            List(element, name, path, (item, at) =>
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text)
                {
                    return text;
                }

                Error(at, "must be a non-empty string");
                return null;
            });

        private string? RequiredString(JsonElement element, string name, string path)
        {
            if (!element.TryGetProperty(name, out _))
            {
                Error(Join(path, name), "is missing");
                return null;
            }

            return OptionalString(element, name, path);
        }

        private string? OptionalString(JsonElement element, string name, string path)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            {
                return text.Trim();
            }

            Error(Join(path, name), "must be a non-empty string");
            return null;
        }

        private bool? Bool(JsonElement element, string name, string path)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return value.GetBoolean();
            }

            Error(Join(path, name), "must be true or false");
            return null;
        }

        private bool Object(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                return true;
            }

            Error(path, "must be an object");
            return false;
        }

        private bool UnknownFields(JsonElement element, string path, IReadOnlyCollection<string> known)
        {
            bool clean = true;
            foreach (var property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name))
                {
                    Error(Join(path, property.Name), $"is not a field here: use {string.Join(", ", known)}");
                    clean = false;
                }
            }

            return clean;
        }

        private void Duplicates(IEnumerable<string> names, string path, string what)
        {
            foreach (var name in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Error(path, $"the {what} '{name.Key}' is defined {name.Count()} times: names must be unique");
            }
        }

        private void Error(string path, string message) => Problems.Add(new PolicyProblem(path, message));

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
    }
}
