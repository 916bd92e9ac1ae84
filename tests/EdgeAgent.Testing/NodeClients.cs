namespace EdgeAgent.Testing;

/// <summary>
/// MQTT.js, the JavaScript MQTT client, run under node from <c>tests/clients</c> (its <c>node_modules</c> is
/// installed from the committed lock file by <c>scripts/test.sh</c>).
/// </summary>
public static class NodeClients
{
    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, "tests", "clients");
                if (File.Exists(Path.Combine(path, "package.json")))
                {
                    return File.Exists(Path.Combine(path, "node_modules", "mqtt", "package.json"))
                        ? path
                        : throw new InvalidOperationException($"MQTT.js is not installed in {path} (npm ci there); scripts/test.sh installs it");
                }
            }

            throw new DirectoryNotFoundException("tests/clients not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Node =>
        new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("node is not installed (apt-get install -y nodejs npm); scripts/test.sh installs it");

    /// <summary>Runs one of the scripts in tests/clients with arguments; returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string script, params string[] arguments) =>
        ExternalProcess.RunAsync(Node, [Path.Combine(Folder, script), .. arguments], TimeSpan.FromSeconds(60), workingDirectory: Folder);
}
