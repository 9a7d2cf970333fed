using System.Diagnostics;
using System.Net;
using Downstream.Server.Tests.Support;

namespace Downstream.Server.Tests.Integration;

/// <summary>A server that cannot start says why in one line and exits; media URLs never follow a client's Host.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly TempDir _data = new("downstream-startup");

    [Theory]
    [InlineData("DOWNSTREAM_ACCOUNT_ID", "xyz", "DOWNSTREAM_ACCOUNT_ID")]
    [InlineData("DOWNSTREAM_MAX_HEIGHT", "abc", "MaxHeight")]
    [InlineData("DOWNSTREAM_MAX_HEIGHT", "100000", "MaxHeight")]
    [InlineData("DOWNSTREAM_PUBLIC_URL", "ftp://media.example.com", "DOWNSTREAM_PUBLIC_URL")]
    [InlineData("DOWNSTREAM_PUBLIC_URL", "not a url", "DOWNSTREAM_PUBLIC_URL")]
    [InlineData("DOWNSTREAM_PUBLIC_URL", "https://media.example.com/?x=1", "DOWNSTREAM_PUBLIC_URL")]
    [InlineData("Downstream__FfmpegPath", "/nonexistent/ffmpeg", "ffmpeg")]
    [InlineData("DOWNSTREAM_TRUSTED_PROXIES", "banana", "DOWNSTREAM_TRUSTED_PROXIES")]
    [InlineData("DOWNSTREAM_S3_BUCKET", "media", "DOWNSTREAM_S3_ENDPOINT")]
    [InlineData("DOWNSTREAM_ROLE", "boss", "DOWNSTREAM_ROLE")]
    public async Task A_bad_setting_exits_with_one_readable_line(string variable, string value, string named)
    {
        var (code, stderr) = await RunServerAsync(new() { [variable] = value });
        Assert.NotEqual(0, code);
        var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(errors, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain(errors, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Media_urls_ignore_the_clients_host_and_forwarded_headers_from_strangers()
    {
        await using var server = await ServerProcess.StartAsync(_data.Path);
        var url = await MediaUrlAsync(server, r =>
        {
            r.Headers.Host = "evil.example";
            r.Headers.Add("X-Forwarded-Host", "evil.example");
            r.Headers.Add("X-Forwarded-Proto", "https");
            r.Headers.Add("X-Original-Host", "evil.example");
        });
        Assert.StartsWith(server.BaseUrl + "/", url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trusted_proxy_names_the_public_host()
    {
        await using var server = await ServerProcess.StartAsync(_data.Path, new Dictionary<string, string> { ["DOWNSTREAM_TRUSTED_PROXIES"] = "127.0.0.0/8" });
        var url = await MediaUrlAsync(server, r =>
        {
            r.Headers.Add("X-Forwarded-Host", "media.example.com");
            r.Headers.Add("X-Forwarded-Proto", "https");
        });
        Assert.StartsWith("https://media.example.com/", url, StringComparison.Ordinal);
    }

    private static async Task<string> MediaUrlAsync(ServerProcess server, Action<HttpRequestMessage> configure)
    {
        var api = new StreamApi(server.Http);
        using var media = new MediaFiles();
        var uid = await api.UploadReadyAsync(await media.SilentAsync());
        await api.CreateDownloadAsync(uid);
        var (status, body) = await api.SendAsync(HttpMethod.Get, $"{api.Stream}/{uid}/downloads", configure: configure);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("result").GetProperty("default").GetProperty("url").GetString()!;
    }

    private async Task<(int Code, string Stderr)> RunServerAsync(Dictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ServerProcess.ServerDll());
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOWNSTREAM_DATA_DIR"] = _data.Path;
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The server started despite the bad setting:\n{await stdout}");
        }

        return (process.ExitCode, await stderr + await stdout);
    }

    public void Dispose() => _data.Dispose();
}
