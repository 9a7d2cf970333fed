using System.Text.RegularExpressions;

namespace Downstream.Server.Tests.Support;

/// <summary>Runs the server executable's <c>tokens</c> subcommand against a data folder.</summary>
public static partial class TokensCli
{
    public static async Task<(int Code, string Output)> RunAsync(string dataDir, params string[] args)
    {
        var environment = new Dictionary<string, string>(await Backends.ForDataDirAsync(dataDir))
        {
            ["DOWNSTREAM_DATA_DIR"] = dataDir,
            ["DOWNSTREAM_ACCOUNT_ID"] = ServerProcess.AccountId,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var (code, output, error) = await Ffmpeg.RunAsync("dotnet", [ServerProcess.ServerDll(), "tokens", .. args], environment);
        return (code, output + error);
    }

    public static async Task<(string Id, string Token)> CreateAsync(string dataDir, bool readOnly, string account = ServerProcess.AccountId)
    {
        var (code, output) = await RunAsync(dataDir, readOnly ? ["create", "--account", account, "--read-only"] : ["create", "--account", account]);
        Assert.True(code == 0, output);
        return (IdLine().Match(output).Groups[1].Value, TokenLine().Match(output).Groups[1].Value);
    }

    [GeneratedRegex(@"id:\s+([0-9a-f]{32})")]
    private static partial Regex IdLine();

    [GeneratedRegex(@"token:\s+(\S+)")]
    private static partial Regex TokenLine();
}
