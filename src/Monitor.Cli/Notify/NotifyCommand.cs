using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Monitor.Cli.Feed;
using Monitor.Core.Notifications;

namespace Monitor.Cli.Notify;

/// <summary>
/// <c>monitor notify check FILE [--url URL --api-key K]</c> and <c>monitor notify apply FILE --url URL --api-key K</c>
/// (docs/api.md, Notification policy): a policy in YAML or JSON, checked here (or, with <c>--url</c>, by the server,
/// which also knows the rules' labels) and applied with <c>PUT /api/v1/notifications</c>. Every problem is printed
/// with its path in the document; the exit code is 1 when there are errors, 0 otherwise (warnings only).
/// </summary>
internal static class NotifyCommand
{
    public static Command Create(IReadOnlyList<IPolicyCheck> checks)
    {
        var checkFile = new Argument<FileInfo>("FILE") { Description = "the policy, YAML (.yaml, .yml) or JSON (.json)" };
        var checkUrl = UrlOption(required: false);
        var checkKey = KeyOption(required: false);
        var check = new Command("check", "Checks a notification policy file and prints every problem by its path") { checkFile, checkUrl, checkKey };
        check.SetAction((result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            string path = result.GetValue(checkFile)!.FullName;
            return result.GetValue(checkUrl) is { } url
                ? SendAsync(path, url, result.GetValue(checkKey) ?? "", dryRun: true, output, cancellationToken)
                : Task.FromResult(CheckLocally(path, checks, output));
        });

        var applyFile = new Argument<FileInfo>("FILE") { Description = "the policy, YAML (.yaml, .yml) or JSON (.json)" };
        var applyUrl = UrlOption(required: true);
        var applyKey = KeyOption(required: true);
        var apply = new Command("apply", "Sends a notification policy file to a running server, which checks it and puts it in force") { applyFile, applyUrl, applyKey };
        apply.SetAction((result, cancellationToken) => SendAsync(
            result.GetValue(applyFile)!.FullName, result.GetValue(applyUrl)!, result.GetValue(applyKey)!, dryRun: false, result.InvocationConfiguration.Output, cancellationToken));
        return new Command("notify", "The notification policy: routes, grouping, repeats, inhibition, time intervals") { check, apply };
    }

    internal static int CheckLocally(string path, IReadOnlyList<IPolicyCheck> checks, TextWriter output)
    {
        var (json, error) = PolicyFile.Read(path);
        if (json is null)
        {
            output.WriteLine($"error: {error}");
            return 1;
        }

        var read = NotificationPolicyReader.Read(json);
        var problems = read.Problems.ToList();
        if (read.Policy is { } policy)
        {
            problems.AddRange(checks.SelectMany(c => c.Check(policy)));
        }

        foreach (var problem in problems)
        {
            output.WriteLine(problem);
        }

        int errors = problems.Count(p => p.Severity == PolicyProblemSeverity.Error);
        output.WriteLine(errors == 0 ? $"{path}: the policy is valid ({problems.Count} warning(s))" : $"{path}: {errors} error(s), {problems.Count - errors} warning(s)");
        return errors == 0 ? 0 : 1;
    }

    internal static async Task<int> SendAsync(string path, Uri server, string apiKey, bool dryRun, TextWriter output, CancellationToken cancellationToken)
    {
        var (json, error) = PolicyFile.Read(path);
        if (json is null)
        {
            output.WriteLine($"error: {error}");
            return 1;
        }

        using var http = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(HttpMethod.Put, dryRun ? "api/v1/notifications?dryRun=true" : "api/v1/notifications")
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("X-Api-Key", apiKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            output.WriteLine($"error: {server} cannot be reached: {e.Message}");
            return 1;
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var answer = TryParse(body);
            var root = answer?.RootElement;
            if (response.IsSuccessStatusCode && root is { } ok)
            {
                foreach (var warning in ok.GetProperty("warnings").EnumerateArray())
                {
                    output.WriteLine($"warning: {warning.GetProperty("path").GetString()}: {warning.GetProperty("message").GetString()}");
                }

                output.WriteLine(dryRun ? $"{path}: the server finds the policy valid" : $"{path}: applied at {ok.GetProperty("updatedAt").GetString()}");
                return 0;
            }

            if (root is { } problem && problem.TryGetProperty("errors", out var errors))
            {
                foreach (var field in errors.EnumerateObject())
                {
                    foreach (var message in field.Value.EnumerateArray())
                    {
                        output.WriteLine($"error: {field.Name}: {message.GetString()}");
                    }
                }
            }
            else
            {
                output.WriteLine($"error: {(int)response.StatusCode} {(root?.TryGetProperty("detail", out var detail) == true ? detail.GetString() : body)}");
            }

            return 1;
        }
    }

    private static JsonDocument? TryParse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Option<Uri> UrlOption(bool required) => new("--url")
    {
        Description = "base address of a running Monitor server, such as http://127.0.0.1:5080" + (required ? "" : " (checks there instead of here)"),
        Required = required,
        CustomParser = FeedCommand.ParseUrl,
    };

    private static Option<string> KeyOption(bool required) => new("--api-key")
    {
        Description = "API key with the admin role (sent as X-Api-Key)",
        Required = required,
    };
}
