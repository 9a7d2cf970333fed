using Microsoft.Extensions.DependencyInjection;

namespace Downstream.Client;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CloudflareClient"/> with an HttpClient from <c>IHttpClientFactory</c>
    /// (named "Downstream.Client", so handlers can be added to it).
    /// </summary>
    public static IHttpClientBuilder AddCloudflareClient(this IServiceCollection services, Func<IServiceProvider, ClientOptions>? options = null)
    {
        const string name = "Downstream.Client";
        services.AddTransient(sp => new CloudflareClient(
            options?.Invoke(sp) ?? new ClientOptions(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(name)));
        return services.AddHttpClient(name, http => http.Timeout = Timeout.InfiniteTimeSpan);
    }
}
