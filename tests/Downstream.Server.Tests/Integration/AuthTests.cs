using System.Net;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public sealed class AuthTests(ServerFixture fixture)
{
    private const string OtherAccount = "ffffffffffffffffffffffffffffffff";

    private string Downloads(string account = ServerProcess.AccountId) =>
        $"/client/v4/accounts/{account}/stream/0123456789abcdef0123456789abcdef/downloads";

    [Fact]
    public async Task Missing_or_unknown_credentials_are_401_code_10000()
    {
        foreach (var configure in new Action<HttpRequestMessage>[]
        {
            _ => { },
            r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer wrong-token"),
            r => r.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz"),
            r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('x', 5000)),
            r => { r.Headers.Add("X-Auth-Email", ServerProcess.Email); r.Headers.Add("X-Auth-Key", "wrong"); },
            r => r.Headers.Add("X-Auth-Email", ServerProcess.Email),
            r => r.Headers.Add("X-Auth-Key", ServerProcess.Key),
        })
        {
            var api = new StreamApi(fixture.Server.Http, token: null);
            var (status, body) = await api.SendAsync(HttpMethod.Get, Downloads(), configure: configure);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(10000, body.GetProperty("errors")[0].GetProperty("code").GetInt32());
            Assert.Equal("Authentication error", body.GetProperty("errors")[0].GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Global_key_works_and_reaches_only_its_accounts()
    {
        var api = new StreamApi(fixture.Server.Http, token: null);
        void Key(HttpRequestMessage r)
        {
            r.Headers.Add("X-Auth-Email", ServerProcess.Email);
            r.Headers.Add("X-Auth-Key", ServerProcess.Key);
        }

        var (status, _) = await api.SendAsync(HttpMethod.Get, $"/accounts/{ServerProcess.AccountId}/stream", configure: Key);
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _) = await api.SendAsync(HttpMethod.Get, $"/accounts/{OtherAccount}/stream", configure: Key);
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task A_token_of_another_account_is_403()
    {
        var (status, body) = await fixture.Api.SendAsync(HttpMethod.Get, Downloads(OtherAccount));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(10000, body.GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Read_only_token_reads_but_cannot_change_and_revocation_is_immediate()
    {
        var uid = await fixture.Api.UploadReadyAsync(await fixture.Media.H264AacAsync());
        var (id, token) = await TokensCli.CreateAsync(fixture.Server.DataDir, readOnly: true);
        var reader = new StreamApi(fixture.Server.Http, token: token);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetDownloadsAsync(uid)).Status);
        Assert.Equal(HttpStatusCode.OK, (await reader.SendAsync(HttpMethod.Get, $"{reader.Stream}/{uid}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.CreateDownloadAsync(uid)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.SendAsync(HttpMethod.Delete, $"{reader.Stream}/{uid}/downloads")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.SendAsync(HttpMethod.Delete, $"{reader.Stream}/{uid}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.SendAsync(HttpMethod.Post, $"{reader.Stream}/{uid}", StreamApi.Json("{}"))).Status);

        var (verify, verified) = await reader.SendAsync(HttpMethod.Get, "/client/v4/user/tokens/verify");
        Assert.Equal(HttpStatusCode.OK, verify);
        Assert.Equal(id, verified.GetProperty("result").GetProperty("id").GetString());
        Assert.Equal("active", verified.GetProperty("result").GetProperty("status").GetString());

        await TokensCli.RunAsync(fixture.Server.DataDir, "revoke", id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetDownloadsAsync(uid)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.SendAsync(HttpMethod.Get, "/user/tokens/verify")).Status);
        var (_, list) = await TokensCli.RunAsync(fixture.Server.DataDir, "list");
        Assert.Contains($"{id}  {ServerProcess.AccountId}  read-only   revoked", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_under_another_casing_of_the_email_locks_nobody_out()
    {
        var api = new StreamApi(fixture.Server.Http, token: null);
        Action<HttpRequestMessage> As(string email, string key) => r =>
        {
            r.Headers.Add("X-Auth-Email", email);
            r.Headers.Add("X-Auth-Key", key);
        };

        var path = $"/accounts/{ServerProcess.AccountId}/stream";
        var (status, _) = await api.SendAsync(HttpMethod.Get, path, configure: As(ServerProcess.Email.ToUpperInvariant(), "wrong-key-0123456789abcdef"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        (status, _) = await api.SendAsync(HttpMethod.Get, path, configure: As(ServerProcess.Email, ServerProcess.Key));
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _) = await api.SendAsync(HttpMethod.Get, path, configure: As(" " + ServerProcess.Email.ToUpperInvariant(), ServerProcess.Key));
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _) = await api.SendAsync(HttpMethod.Get, path, configure: As("User@Example.com", ServerProcess.Key));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Secrets_are_stored_hashed()
    {
        // Through the database itself (for SQLite, rows still in the write-ahead log too); then every file's raw bytes.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (System.Data.Common.DbConnection connection = fixture.Server.Settings.TryGetValue("DOWNSTREAM_POSTGRES", out var postgres)
            ? new Npgsql.NpgsqlConnection(postgres)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(fixture.Server.DataDir, "downstream.db")};Mode=ReadOnly"))
        {
            await connection.OpenAsync();
            var dump = new System.Text.StringBuilder();
            foreach (var table in new[] { "api_tokens", "users", "settings" })
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM {table}";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        dump.Append(reader.GetValue(i) is byte[] bytes ? System.Text.Encoding.Latin1.GetString(bytes) : reader.GetValue(i)).Append('|');
                    }
                }
            }

            Assert.NotEqual(0, dump.Length);
            Assert.DoesNotContain(ServerProcess.Token, dump.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(ServerProcess.Key, dump.ToString(), StringComparison.Ordinal);
        }

        foreach (var file in Directory.GetFiles(fixture.Server.DataDir, "downstream.db*"))
        {
            var text = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(ServerProcess.Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ServerProcess.Key, text, StringComparison.Ordinal);
        }
    }
}
