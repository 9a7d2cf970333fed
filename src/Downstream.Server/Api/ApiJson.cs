using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Downstream.Server.Api;

/// <summary>Writes envelopes with the source-generated serializer.</summary>
public static class ApiJson
{
    private const long SmallBody = 64 * 1024;

    public static Task WriteErrorAsync(HttpContext context, int status, ApiMessage error)
    {
        context.Response.StatusCode = status;

        // A large request body left unread cannot be drained cheaply: tell the client the connection
        // ends here, so it does not send its next request on a socket the server is about to close.
        if (context.Request.ContentLength is null or > SmallBody && HasBody(context.Request))
        {
            context.Response.Headers.Connection = "close";
        }

        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(
            context.Response.Body, Envelope.Fail(error), ApiJsonContext.Default.EnvelopeObject, context.RequestAborted);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
