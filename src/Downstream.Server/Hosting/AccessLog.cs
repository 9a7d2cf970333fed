using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Hosting;

/// <summary>
/// The access log: ASP.NET Core's W3C logger writing to <c>{data}/logs/access</c>. It records the
/// SDKs' <c>X-Stainless-Retry-Count</c>, so retries can be told from new requests.
/// </summary>
public static class AccessLog
{
    public const string RetryCountHeader = "X-Stainless-Retry-Count";

    public static IServiceCollection AddAccessLog(this IServiceCollection services)
    {
        services.AddW3CLogging(_ => { });
        services.AddOptions<W3CLoggerOptions>().Configure<IOptions<DownstreamOptions>>((log, options) =>
        {
            log.LogDirectory = Path.Combine(options.Value.FullDataDir, "logs", "access");
            log.FileName = "access";
            log.FlushInterval = TimeSpan.FromSeconds(1);
            log.LoggingFields = W3CLoggingFields.Date | W3CLoggingFields.Time | W3CLoggingFields.ClientIpAddress
                | W3CLoggingFields.Method | W3CLoggingFields.UriStem | W3CLoggingFields.ProtocolStatus
                | W3CLoggingFields.TimeTaken | W3CLoggingFields.UserAgent;
            log.AdditionalRequestHeaders.Add(RetryCountHeader);
        });
        return services;
    }

    public static WebApplication UseAccessLog(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DownstreamOptions>>().Value.AccessLog)
        {
            app.UseW3CLogging();
        }

        return app;
    }
}
