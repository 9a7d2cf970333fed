using Downstream.Server.Api;
using Downstream.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var tokensCommand = args is ["tokens", ..];
var builder = WebApplication.CreateBuilder(tokensCommand ? [] : args);
builder.AddDownstream();

var app = builder.Build();
var bootstrap = await app.Services.PrepareAsync(CancellationToken.None);
if (tokensCommand)
{
    return await TokensCommand.RunAsync(app.Services, args[1..], Console.Out, CancellationToken.None);
}

_ = app.Services.GetRequiredService<Downstream.Server.Media.FfmpegInfo>();
app.UseMiddleware<ApiErrorMiddleware>();
app.MapDownstreamRoutes();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var listen = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
    Welcome.Print(Console.Out, listen ?? "http://127.0.0.1:8080", bootstrap);
});

await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can reference the assembly's host.</summary>
public partial class Program;
