namespace Downstream.Server.Tests.Support;

/// <summary>
/// The settings of a systemd unit in <c>deploy/systemd/</c>: its <c>Environment=</c> lines and its
/// <c>ExecStart=</c>, so the multi-node test runs nodes exactly as the sample units configure them.
/// </summary>
public sealed record SystemdUnit(IReadOnlyDictionary<string, string> Environment, string ExecStart)
{
    public static SystemdUnit Read(string name)
    {
        var path = Path.Combine(ServerProcess.RepositoryRoot(), "deploy", "systemd", name);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var exec = "";
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith("Environment=", StringComparison.Ordinal))
            {
                var pair = line["Environment=".Length..].Trim('"');
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                environment[pair[..equals]] = pair[(equals + 1)..];
            }
            else if (line.StartsWith("ExecStart=", StringComparison.Ordinal))
            {
                exec = line["ExecStart=".Length..];
            }
        }

        return new SystemdUnit(environment, exec);
    }
}
