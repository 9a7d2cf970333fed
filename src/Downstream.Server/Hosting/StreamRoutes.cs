using Downstream.Server.Api;
using Downstream.Server.Auth;
using Downstream.Server.Dashboard;
using Downstream.Server.Delivery;
using Downstream.Server.Downloads;
using Downstream.Server.Hosting.OpenApi;
using Downstream.Server.Signing;
using Downstream.Server.Thumbnails;
using Downstream.Server.Tus;
using Downstream.Server.Videos;
using Downstream.Server.Webhooks;

namespace Downstream.Server.Hosting;

public static class StreamRoutes
{
    /// <summary>
    /// The v4 API under <c>/client/v4</c> and, identically, at the root (where the official SDK
    /// test suites call it), then media delivery. Unmatched routes get the envelope 404 (7003) from <see cref="ApiErrorMiddleware"/>.
    /// </summary>
    public static WebApplication MapDownstreamRoutes(this WebApplication app, string role)
    {
        app.MapHealthApi();
        if (role == NodeRoles.Worker)
        {
            // A worker node serves only /health; everything else gets the envelope 404.
            return app;
        }

        string[] prefixes = ["/client/v4", ""];
        foreach (var prefix in prefixes)
        {
            var api = app.MapGroup(prefix);
            if (prefix.Length == 0)
            {
                // The same operations as under /client/v4: described once.
                api.ExcludeFromDescription();
            }

            api.MapTokenVerifyApi();
            api.MapGroup("/accounts/{account_id}/stream")
                .AddEndpointFilter<StreamAccessFilter>()
                .MapVideosApi()
                .MapDownloadsApi()
                .MapSigningApi()
                .MapDirectUploadsApi()
                .MapTusApi()
                .MapWebhooksApi();
        }

        app.MapApiDocument();
        app.MapDashboard();
        app.MapMediaDelivery();
        app.MapThumbnails();
        app.MapDirectUploadUrls();
        app.MapTusUrls(prefixes);
        return app;
    }
}
