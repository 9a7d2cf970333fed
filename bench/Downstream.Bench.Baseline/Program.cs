using System.Security.Cryptography;
using System.Text;

// The baseline the server is measured against: a minimal Kestrel app that answers the downloads
// route with fixed bytes behind the same kind of bearer check, and a sink that writes an upload to disk.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
var app = builder.Build();

var body = File.ReadAllBytes(Environment.GetEnvironmentVariable("BASELINE_BODY_FILE") ?? throw new InvalidOperationException("BASELINE_BODY_FILE"));
var tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("BASELINE_TOKEN") ?? ""));
var sinkDir = Environment.GetEnvironmentVariable("BASELINE_SINK_DIR") ?? Path.GetTempPath();

app.MapGet("/client/v4/accounts/{account}/stream/{id}/downloads", (HttpContext context) =>
{
    var header = context.Request.Headers.Authorization.ToString();
    var secret = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
    if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), tokenHash))
    {
        context.Response.StatusCode = 401;
        return Task.CompletedTask;
    }

    context.Response.ContentType = "application/json";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
});

app.MapPost("/upload", async (HttpContext context) =>
{
    var path = Path.Combine(sinkDir, "upload.bin");
    await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
    {
        await context.Request.Body.CopyToAsync(file, 1 << 16);
    }

    return Results.Ok();
});

app.Run();
