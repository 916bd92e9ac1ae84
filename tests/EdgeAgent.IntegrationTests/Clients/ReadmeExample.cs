using System.Text.RegularExpressions;

namespace EdgeAgent.IntegrationTests.Clients;

/// <summary>The README's manual example: the first <c>sh</c> block that runs <c>mosquitto_pub</c>, as a reader copies it.</summary>
internal static partial class ReadmeExample
{
    public const string DefaultPortFlag = "-p 1883";

    public static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(path) && Directory.Exists(Path.Combine(dir.FullName, "src", "EdgeAgent")))
            {
                var block = Blocks().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value)
                    .FirstOrDefault(b => b.Contains("mosquitto_pub", StringComparison.Ordinal))
                    ?? throw new InvalidOperationException("README.md has no sh block with mosquitto_pub");
                return block;
            }
        }

        throw new FileNotFoundException("README.md not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The script with its port flag pointed at <paramref name="port"/>: the one change a test makes to it.</summary>
    public static string ForPort(string script, int port)
    {
        Assert.True(script.Contains(DefaultPortFlag, StringComparison.Ordinal), $"the README example names the embedded broker's port with '{DefaultPortFlag}'");
        return script.Replace(DefaultPortFlag, "-p " + port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Blocks();
}
