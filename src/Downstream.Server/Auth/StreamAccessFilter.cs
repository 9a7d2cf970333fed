using Downstream.Server.Api;
using Microsoft.AspNetCore.Http;

namespace Downstream.Server.Auth;

/// <summary>
/// Guards every <c>/accounts/{account_id}/stream</c> route: reading needs Stream Read or Write,
/// anything else Stream Write, and the credential must reach the account in the path.
/// </summary>
public sealed class StreamAccessFilter(Authenticator authenticator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var principal = await authenticator.AuthenticateAsync(http.Request, http.RequestAborted);
        var accountId = Ids.Require(http.Request.RouteValues["account_id"] as string, "account_id");
        if (!principal.CanRead(accountId))
        {
            throw ApiErrors.Forbidden($"This credential has no access to account {accountId}.");
        }

        var reading = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        if (!reading && !principal.CanWrite)
        {
            throw ApiErrors.Forbidden("This API token has Stream Read only; the request needs Stream Write.");
        }

        http.Items[typeof(Principal)] = principal;
        return await next(context);
    }
}
