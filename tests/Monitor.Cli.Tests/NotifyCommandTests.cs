using Monitor.Cli.Notify;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor notify check</c> on YAML and JSON files: the same policy reads the same, and problems are named by path.</summary>
public sealed class NotifyCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("monitor-notify-tests-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void YamlPolicy_ReadsAsTheSameJson()
    {
        string yaml = Write("policy.yaml", """
            receivers:
              - name: desk
                sendResolved: false
                webhook: {id: "wh_1"}
            route:
              receiver: desk
              groupBy: [ruleId]
              groupWait: 30s
              routes:
                - matchers: ["severity=critical"]
                  continue: true
            timeIntervals:
              - name: weekends
                weekdays: [saturday, sunday]
                timeZone: America/New_York
            """);

        var (json, error) = PolicyFile.Read(yaml);

        Assert.Null(error);
        Assert.Equal(
            """{"receivers":[{"name":"desk","sendResolved":false,"webhook":{"id":"wh_1"}}],"route":{"receiver":"desk","groupBy":["ruleId"],"groupWait":"30s","routes":[{"matchers":["severity=critical"],"continue":true}]},"timeIntervals":[{"name":"weekends","weekdays":["saturday","sunday"],"timeZone":"America/New_York"}]}""",
            json);
        var output = new StringWriter();
        Assert.Equal(0, NotifyCommand.CheckLocally(yaml, [], output));
        Assert.Contains("the policy is valid", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BadPolicy_PrintsEachProblemByPathAndExitsWithOne()
    {
        string file = Write("bad.yml", """
            receivers: [{name: desk}]
            route:
              receiver: nobody
              repeatInterval: often
            """);
        var output = new StringWriter();

        int code = NotifyCommand.CheckLocally(file, [], output);

        Assert.Equal(1, code);
        string text = output.ToString();
        Assert.Contains("error: route.receiver: names no receiver", text, StringComparison.Ordinal);
        Assert.Contains("error: route.repeatInterval: 'often' is not a duration", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenYaml_NamesTheLine()
    {
        string file = Write("broken.yaml", "route:\n  receiver: [desk\n");
        var output = new StringWriter();

        Assert.Equal(1, NotifyCommand.CheckLocally(file, [], output));
        Assert.Contains("line 3", output.ToString(), StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
