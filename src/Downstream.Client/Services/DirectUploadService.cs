using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Downstream.Client.Core;
using Downstream.Client.Models;

namespace Downstream.Client.Services;

/// <summary>Direct creator uploads: <c>client.Stream.DirectUpload</c>.</summary>
public sealed class DirectUploadService
{
    private readonly ApiTransport _transport;

    internal DirectUploadService(ApiTransport transport) => _transport = transport;

    /// <summary>
    /// Makes a video waiting for its file and a one-time URL an end user can POST the file to
    /// (multipart field <c>file</c>) without API credentials, until it expires.
    /// </summary>
    public Task<DirectUploadResponse> Create(DirectUploadCreateParams parameters, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["maxDurationSeconds"] = parameters.MaxDurationSeconds };
        if (parameters.Expiry is { } expiry)
        {
            body["expiry"] = expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        if (parameters.Creator is not null)
        {
            body["creator"] = parameters.Creator;
        }

        if (parameters.Meta is not null)
        {
            body["meta"] = new JsonObject(parameters.Meta.Select(m => KeyValuePair.Create(m.Key, JsonNode.Parse(m.Value.GetRawText()))));
        }

        if (parameters.RequireSignedUrls is { } signed)
        {
            body["requireSignedURLs"] = signed;
        }

        if (parameters.AllowedOrigins is not null)
        {
            body["allowedOrigins"] = new JsonArray([.. parameters.AllowedOrigins.Select(o => JsonValue.Create(o))]);
        }

        var json = JsonSerializer.SerializeToElement(body, JsonNodeContext.Default.JsonObject);
        return _transport.SendAsync(HttpMethod.Post, $"{Paths.Stream(parameters.AccountId)}/direct_upload", () => ApiTransport.Json(json),
            ClientJsonContext.Default.DirectUploadResponse, cancellationToken, creates: true);
    }
}
