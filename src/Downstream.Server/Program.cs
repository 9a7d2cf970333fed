using Downstream.Server.Api;
using Downstream.Server.Dashboard;
using Downstream.Server.Hosting;
using Downstream.Server.Hosting.Metrics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var tokensCommand = args is ["tokens", ..];
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = tokensCommand ? [] : args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddDownstream();

var app = builder.Build();
BootstrapResult bootstrap;
try
{
    // Settings, the database, the media store and ffmpeg are all checked here, before the server listens.
    bootstrap = await app.Services.PrepareAsync(firstStartToken: !tokensCommand, CancellationToken.None);
    if (!tokensCommand)
    {
        _ = app.Services.GetRequiredService<Downstream.Server.Media.FfmpegInfo>();
    }
}
catch (Exception ex) when (StartupErrors.Describe(ex) is { } message)
{
    await Console.Error.WriteLineAsync("error: " + message);
    return 1;
}

if (tokensCommand)
{
    return await TokensCommand.RunAsync(app.Services, bootstrap.AccountId, args[1..], Console.Out, CancellationToken.None);
}

var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DownstreamOptions>>().Value;
app.UseTrustedForwardedHeaders();
app.UseAccessLog();
app.UseMiddleware<ApiErrorMiddleware>();
app.UseDashboardAssets();
app.UseMiddleware<Downstream.Server.Tus.TusProtocolMiddleware>();

// Routing runs after the tus middleware, which may turn a POST into the PATCH it stands for.
app.UseRouting();
app.MapDownstreamMetrics(settings.Metrics);
app.MapDownstreamRoutes(settings.Role);

app.Lifetime.ApplicationStarted.Register(() =>
{
    var listen = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
    if (settings.LogFormat == "json")
    {
        // A log shipper reads every line as JSON: no banner.
        app.Logger.LogInformation("Downstream listening on {Url}", listen);
    }
    else
    {
        Welcome.Print(Console.Out, listen ?? "http://127.0.0.1:8080", bootstrap);
    }
});

await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can reference the assembly's host.</summary>
public partial class Program;
