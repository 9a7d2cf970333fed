using System.Net;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>A revoked token stays revoked: across restarts, with DOWNSTREAM_API_TOKEN still set, and with no token left.</summary>
public sealed class RevocationTests : IDisposable
{
    private readonly TempDir _data = new("downstream-revoke");

    [Fact]
    public async Task The_env_token_revoked_stays_revoked_after_a_restart_and_no_new_token_is_minted()
    {
        var noUser = new Dictionary<string, string> { ["DOWNSTREAM_AUTH_EMAIL"] = "", ["DOWNSTREAM_AUTH_KEY"] = "" };
        await using (var first = await ServerProcess.StartAsync(_data.Path, noUser))
        {
            Assert.Equal(HttpStatusCode.OK, (await new StreamApi(first.Http).SendAsync(HttpMethod.Get, new StreamApi(first.Http).Stream)).Status);
        }

        var (_, list) = await TokensCli.RunAsync(_data.Path, "list");
        var id = System.Text.RegularExpressions.Regex.Match(list, "([0-9a-f]{32})").Groups[1].Value;
        var (code, output) = await TokensCli.RunAsync(_data.Path, "revoke", id);
        Assert.True(code == 0, output);

        // Every tokens command runs the start-up steps too: none of them may bring the token back.
        (_, list) = await TokensCli.RunAsync(_data.Path, "list");
        Assert.Contains("revoked", list, StringComparison.Ordinal);

        await using var second = await ServerProcess.StartAsync(_data.Path, noUser);
        var api = new StreamApi(second.Http);
        var (status, _) = await api.SendAsync(HttpMethod.Get, api.Stream);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("API token was created", second.Output, StringComparison.Ordinal);
        (_, list) = await TokensCli.RunAsync(_data.Path, "list");
        Assert.Single(list.Split('\n'), line => line.Contains(id, StringComparison.Ordinal) && line.Contains("revoked", StringComparison.Ordinal));
        Assert.DoesNotContain("first start", list, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
