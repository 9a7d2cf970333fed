using OpenTelemetry.Metrics;

namespace Downstream.Server.Hosting.Metrics;

/// <summary>
/// <c>/metrics</c> in Prometheus text format (OpenTelemetry): ASP.NET Core's request metrics (rate and latency by
/// route) and <see cref="DownstreamMetrics"/>. <c>DOWNSTREAM_METRICS=false</c> turns it all off.
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";

    public static IServiceCollection AddDownstreamMetrics(this IServiceCollection services, bool enabled)
    {
        services.AddSingleton<JobCounts>();
        services.AddSingleton<DownstreamMetrics>();
        if (enabled)
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(DownstreamMetrics.MeterName)
                // Every scrape is read afresh: a cached answer would hide what just happened from a check right after it.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        return services;
    }

    public static WebApplication UseDownstreamMetrics(this WebApplication app, bool enabled)
    {
        if (enabled)
        {
            app.MapPrometheusScrapingEndpoint(Path);
            // Media bytes are counted as answered, from the length of each 200 or 206 to a GET.
            app.Use(async (context, next) =>
            {
                await next(context);
                if (context.GetEndpoint()?.Metadata.GetMetadata<CountsDelivery>() is not null && HttpMethods.IsGet(context.Request.Method)
                    && context.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent
                    && context.Response.ContentLength is { } length && context.GetRouteValue("file") is string file)
                {
                    context.RequestServices.GetRequiredService<DownstreamMetrics>().Delivered(file, length);
                }
            });
        }

        return app;
    }

    /// <summary>Marks a route whose answers are media bytes, counted in <c>downstream.delivery.bytes</c>.</summary>
    public static TBuilder CountsDelivery<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new CountsDelivery());
}

/// <summary>See <see cref="MetricsSetup.CountsDelivery{TBuilder}"/>.</summary>
public sealed class CountsDelivery;
