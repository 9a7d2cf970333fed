using Downstream.Server.Api;
using Downstream.Server.Auth;
using Downstream.Server.Delivery;
using Downstream.Server.Downloads;
using Downstream.Server.Videos;

namespace Downstream.Server.Hosting;

public static class StreamRoutes
{
    /// <summary>
    /// The v4 API under <c>/client/v4</c> and, identically, at the root (where the official SDK
    /// test suites call it), then media delivery and the envelope 404 for everything else.
    /// </summary>
    public static WebApplication MapDownstreamRoutes(this WebApplication app)
    {
        app.MapHealthApi();
        foreach (var prefix in (string[])["/client/v4", ""])
        {
            var api = app.MapGroup(prefix);
            api.MapTokenVerifyApi();
            api.MapGroup("/accounts/{account_id}/stream")
                .AddEndpointFilter<StreamAccessFilter>()
                .MapVideosApi()
                .MapDownloadsApi();
        }

        app.MapMediaDelivery();
        app.MapFallback(() => Task.FromException(new ApiException(StatusCodes.Status404NotFound, ApiErrors.NoRouteCode, "No route for the URI")));
        return app;
    }
}
