using System.Text.Json;
using System.Text.Json.Nodes;
using Downstream.Client.Core;
using Downstream.Client.Models;

namespace Downstream.Client.Services;

/// <summary>Signed tokens for videos: <c>client.Stream.Token</c>.</summary>
public sealed class TokenService
{
    private readonly ApiTransport _transport;

    internal TokenService(ApiTransport transport) => _transport = transport;

    /// <summary>A signed token for one video, to put in a media URL in place of the video id.</summary>
    public async Task<string> Create(string identifier, TokenCreateParams parameters, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject();
        if (parameters.Id is not null)
        {
            body["id"] = parameters.Id;
        }

        if (parameters.Pem is not null)
        {
            body["pem"] = parameters.Pem;
        }

        if (parameters.Expires is { } expires)
        {
            body["exp"] = expires.ToUnixTimeSeconds();
        }

        if (parameters.NotBefore is { } notBefore)
        {
            body["nbf"] = notBefore.ToUnixTimeSeconds();
        }

        if (parameters.Downloadable is { } downloadable)
        {
            body["downloadable"] = downloadable;
        }

        if (parameters.AccessRules is { } rules)
        {
            body["accessRules"] = JsonSerializer.SerializeToNode(rules.ToList(), ClientJsonContext.Default.ListAccessRule);
        }

        var json = JsonSerializer.SerializeToElement(body, JsonNodeContext.Default.JsonObject);
        var result = await _transport.SendAsync(HttpMethod.Post, $"{Paths.Stream(parameters.AccountId)}/{Paths.Segment(identifier, "identifier")}/token",
            () => ApiTransport.Json(json), ClientJsonContext.Default.TokenResult, cancellationToken).ConfigureAwait(false);
        return result.Token;
    }

    /// <summary>
    /// A download URL (as <c>downloads.Get</c> gives it) with the video id replaced by a new downloadable token,
    /// valid for <paramref name="lifetime"/> (at most 24 hours): the way to share a private video's file.
    /// </summary>
    public async Task<Uri> SignDownloadUrl(string downloadUrl, string identifier, string accountId, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var token = await Create(identifier, new TokenCreateParams
        {
            AccountId = accountId,
            Downloadable = true,
            Expires = DateTimeOffset.UtcNow + lifetime,
        }, cancellationToken).ConfigureAwait(false);
        return SignedUrl(new Uri(downloadUrl), identifier, token);
    }

    /// <summary>Puts <paramref name="token"/> in place of the video id segment of a media URL.</summary>
    public static Uri SignedUrl(Uri downloadUrl, string identifier, string token)
    {
        var segments = downloadUrl.AbsolutePath.Split('/');
        var at = Array.IndexOf(segments, identifier);
        if (at < 0)
        {
            throw new ArgumentException($"The URL has no segment {identifier}.", nameof(downloadUrl));
        }

        segments[at] = token;
        return new UriBuilder(downloadUrl) { Path = string.Join('/', segments) }.Uri;
    }
}
