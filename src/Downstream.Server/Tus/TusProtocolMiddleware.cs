using Downstream.Server.Api;

namespace Downstream.Server.Tus;

/// <summary>
/// What tus asks of every exchange before routing: <c>X-HTTP-Method-Override</c> is honoured on tus POSTs (for
/// clients behind proxies that drop PATCH), a version other than 1.0.0 is refused with 412 and <c>Tus-Version</c>,
/// and every answer to a tus request, errors included, carries <c>Tus-Resumable</c>.
/// </summary>
public sealed class TusProtocolMiddleware(RequestDelegate next)
{
    private static readonly string[] Overridable = [HttpMethods.Patch, HttpMethods.Head, HttpMethods.Delete];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!TusHeaders.IsTus(request))
        {
            return next(context);
        }

        context.Response.OnStarting(() =>
        {
            context.Response.Headers[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
            return Task.CompletedTask;
        });
        if (request.Headers[TusHeaders.Resumable].ToString() != TusHeaders.SupportedVersion && !HttpMethods.IsOptions(request.Method))
        {
            context.Response.Headers[TusHeaders.Version] = TusHeaders.SupportedVersion;
            throw new ApiException(StatusCodes.Status412PreconditionFailed, ApiErrors.BadRequestCode,
                $"Tus-Resumable '{ApiErrors.Shorten(request.Headers[TusHeaders.Resumable].ToString())}' is not supported; this server speaks tus {TusHeaders.SupportedVersion}.");
        }

        if (HttpMethods.IsPost(request.Method)
            && Overridable.FirstOrDefault(m => m.Equals(request.Headers[TusHeaders.MethodOverride].ToString(), StringComparison.OrdinalIgnoreCase)) is { } method)
        {
            request.Method = method;
        }

        return next(context);
    }
}
