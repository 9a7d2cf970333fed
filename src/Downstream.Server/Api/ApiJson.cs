using System.Text.Json;
using Downstream.Server.Downloads;
using Downstream.Server.Videos;
using Microsoft.AspNetCore.Http;

namespace Downstream.Server.Api;

/// <summary>Writes envelopes with the source-generated serializer.</summary>
public static class ApiJson
{
    public static Task WriteErrorAsync(HttpContext context, int status, ApiMessage error)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(
            context.Response.Body, Envelope.Fail(error), ApiJsonContext.Default.EnvelopeObject, context.RequestAborted);
    }
}
