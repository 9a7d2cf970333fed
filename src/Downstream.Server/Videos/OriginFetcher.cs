using System.Net;
using Downstream.Server.Hosting;
using Downstream.Server.Network;
using Microsoft.Extensions.Options;

namespace Downstream.Server.Videos;

/// <summary>Why a fetch failed, in words safe to show (no addresses, ports or socket errors); <see cref="Final"/> when retrying cannot help.</summary>
public sealed class OriginException(string message, bool final, Exception? inner = null) : Exception(message, inner)
{
    public bool Final { get; } = final;
}

/// <summary>
/// Fetches a copy's source into a file: only allowed addresses (<see cref="OutboundPolicy"/>, checked at connect
/// time), at most <see cref="MaxRedirects"/> redirects each checked again, a connect timeout, an idle timeout
/// per read, a total deadline, and the size limit counted while streaming.
/// </summary>
public sealed class OriginFetcher(IHttpClientFactory clients, IOptions<DownstreamOptions> options, ILogger<OriginFetcher> logger)
{
    public const string HttpClientName = "origin";
    public const int MaxRedirects = 5;

    public async Task<long> FetchAsync(Uri url, string target, long maxBytes, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.CopyTimeout);
        try
        {
            using var response = await GetFollowingRedirectsAsync(url, deadline.Token);
            var status = (int)response.StatusCode;
            if (status is >= 400 and < 500 && status is not (408 or 429))
            {
                throw new OriginException($"The origin answered {status} {response.ReasonPhrase}.", final: true);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new OriginException($"The origin answered {status} {response.ReasonPhrase}.", final: false);
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new OriginException($"The file is larger than the limit of {maxBytes} bytes.", final: true);
            }

            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            return await CopyAsync(body, target, maxBytes, settings.CopyIdleTimeout, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OriginException(deadline.IsCancellationRequested
                ? $"The copy took longer than the {settings.CopyTimeout} allowed."
                : "The origin stopped sending data.", final: deadline.IsCancellationRequested, ex);
        }
        catch (HttpRequestException ex) when (Find<OutboundRefusedException>(ex) is { } refused)
        {
            throw new OriginException(refused.Message, final: true, ex);
        }
        catch (HttpRequestException ex)
        {
            logger.LogInformation("Fetching {Url} failed: {Error}", Redact(url), ex.Message);
            throw new OriginException("The origin could not be reached.", final: false, ex);
        }
        catch (IOException ex)
        {
            logger.LogInformation("Fetching {Url} failed: {Error}", Redact(url), ex.Message);
            throw new OriginException("The connection to the origin broke off.", final: false, ex);
        }
    }

    /// <summary>A URL as it may be logged: no user info, query or fragment, which can carry credentials.</summary>
    public static string Redact(Uri url) => url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path).Replace(url.UserInfo + "@", "", StringComparison.Ordinal) : "(relative)";

    private async Task<HttpResponseMessage> GetFollowingRedirectsAsync(Uri url, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        var current = url;
        for (var hop = 0; ; hop++)
        {
            try
            {
                OutboundPolicy.CheckUrl(current);
            }
            catch (OutboundRefusedException ex)
            {
                throw new OriginException(ex.Message, final: true);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            answer.CancelAfter(options.Value.CopyIdleTimeout);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, answer.Token);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            if (hop == MaxRedirects)
            {
                throw new OriginException($"The origin redirected more than {MaxRedirects} times.", final: true);
            }

            current = location.IsAbsoluteUri ? location : new Uri(current, location);
        }
    }

    private static async Task<long> CopyAsync(Stream body, string target, long maxBytes, TimeSpan idle, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long total = 0;
            while (true)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(idle);
                var read = await body.ReadAsync(buffer, wait.Token);
                if (read == 0)
                {
                    return total;
                }

                total += read;
                if (total > maxBytes)
                {
                    throw new OriginException($"The file is larger than the limit of {maxBytes} bytes.", final: true);
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }
}
