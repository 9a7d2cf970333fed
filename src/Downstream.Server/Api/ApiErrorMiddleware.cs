using Microsoft.AspNetCore.Http;

namespace Downstream.Server.Api;

/// <summary>
/// Turns every failure into the envelope: <see cref="ApiException"/> as itself, Kestrel's own
/// bad-request errors (oversized or cut-off bodies) as the 4xx they carry, anything else as a 500
/// that is logged. Bodiless 404/405 answers from routing also get an envelope.
/// </summary>
public sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (ApiException ex) when (!context.Response.HasStarted)
        {
            if (ex.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await ApiJson.WriteErrorAsync(context, ex.Status, ex.ToMessage());
            return;
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var code = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? ApiErrors.PayloadTooLargeCode
                : ApiErrors.BadRequestCode;
            await ApiJson.WriteErrorAsync(context, ex.StatusCode, new ApiMessage(code, ex.Message));
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Clear();
            await ApiJson.WriteErrorAsync(
                context, StatusCodes.Status500InternalServerError,
                new ApiMessage(ApiErrors.InternalCode, "Internal server error; the server log has the details."));
            return;
        }

        if (context.Response.HasStarted || context.Response.ContentLength > 0 || context.Response.ContentType is not null)
        {
            return;
        }

        switch (context.Response.StatusCode)
        {
            case StatusCodes.Status404NotFound:
                await ApiJson.WriteErrorAsync(context, 404, new ApiMessage(ApiErrors.NoRouteCode, "No route for the URI"));
                break;
            case StatusCodes.Status405MethodNotAllowed:
                await ApiJson.WriteErrorAsync(context, 405, new ApiMessage(
                    ApiErrors.MethodNotAllowedCode, $"Method {ApiErrors.Shorten(context.Request.Method)} is not allowed on this route"));
                break;
            case StatusCodes.Status415UnsupportedMediaType:
                await ApiJson.WriteErrorAsync(context, 415, new ApiMessage(ApiErrors.BadRequestCode, "Unsupported content type"));
                break;
        }
    }
}
