using OpenTelemetry.Metrics;

namespace Downstream.Server.Hosting.Metrics;

/// <summary>
/// <c>/metrics</c> in Prometheus text format (OpenTelemetry): ASP.NET Core's request metrics (rate and latency by
/// route) and <see cref="DownstreamMetrics"/>. <c>DOWNSTREAM_METRICS=false</c> turns it all off.
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";

    /// <summary>Whether metrics are on (<see cref="DownstreamOptions.Metrics"/>), read before the options are bound.</summary>
    public static bool On(IConfiguration configuration) =>
        !bool.TryParse(configuration[$"{DownstreamOptions.SectionName}:{nameof(DownstreamOptions.Metrics)}"], out var on) || on;

    public static IServiceCollection AddDownstreamMetrics(this IServiceCollection services, bool enabled)
    {
        services.AddSingleton<JobCounts>();
        services.AddSingleton<DownstreamMetrics>();
        if (enabled)
        {
            // Of ASP.NET Core's meters only the request duration, by route, method and status: it gives both rate and
            // latency. Its other tags, the in-flight gauge (two more records a request) and Kestrel's connection
            // meters cost the API's hottest routes a few per cent in the benchmark, for little an operator reads.
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter("Microsoft.AspNetCore.Hosting")
                .AddView("http.server.active_requests", MetricStreamConfiguration.Drop)
                .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration
                {
                    TagKeys = ["http.route", "http.request.method", "http.response.status_code"],
                    Boundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
                })
                .AddMeter(DownstreamMetrics.MeterName)
                // Every scrape is read afresh: a cached answer would hide what just happened from a check right after it.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        return services;
    }

    public static WebApplication MapDownstreamMetrics(this WebApplication app, bool enabled)
    {
        if (enabled)
        {
            app.MapPrometheusScrapingEndpoint(Path);
        }

        return app;
    }

    /// <summary>
    /// Counts a media answer's bytes in <c>downstream.delivery.bytes</c> once it is sent: the length of a 200 or 206
    /// to a GET. Called by the media routes only, so no other request pays for it.
    /// </summary>
    public static void CountDelivery(HttpContext context, string file)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.RequestServices.GetService<DownstreamMetrics>() is not { Enabled: true } metrics)
        {
            return;
        }

        var response = context.Response;
        response.OnCompleted(() =>
        {
            if (response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent && response.ContentLength is { } length)
            {
                metrics.Delivered(file, length);
            }

            return Task.CompletedTask;
        });
    }
}
