using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Downstream.Server.Dashboard;

/// <summary>
/// The dashboard: <c>/</c> is its page and <c>/assets/*</c> its scripts and styles, plain files shipped
/// next to the server (no build step). The page holds no secret: it calls the public API with the token
/// the person pastes in.
/// </summary>
public static class DashboardApi
{
    // Only our own files run; the API is called on this origin; thumbnails and downloads are ours too.
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
        "media-src 'self' blob:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static string Root => Path.Combine(AppContext.BaseDirectory, "dashboard");

    public static WebApplication UseDashboardAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.Combine(Root, "assets")),
            RequestPath = "/assets",
            OnPrepareResponse = context => Secure(context.Context.Response),
        });
        return app;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            Secure(context.Response);
            return TypedResults.PhysicalFile(Path.Combine(Root, "index.html"), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers[HeaderNames.ContentSecurityPolicy] = Policy;
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        // Always revalidate: the page and its scripts change with the server.
        response.Headers[HeaderNames.CacheControl] = "no-cache";
    }
}
