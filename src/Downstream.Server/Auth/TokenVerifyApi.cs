using Downstream.Server.Api;
using Downstream.Server.Hosting.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Downstream.Server.Auth;

public sealed record TokenVerifyDto(string Id, string Status);

/// <summary><c>GET /user/tokens/verify</c>: tells whether a bearer token is valid, as Cloudflare does.</summary>
public static class TokenVerifyApi
{
    public static IEndpointRouteBuilder MapTokenVerifyApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/user/tokens/verify", Verify).WithTags("User API Tokens").WithSummary("Verify token").ProducesErrors(400, 401);
        return routes;
    }

    public static async Task<Ok<Envelope<TokenVerifyDto>>> Verify(HttpRequest request, Authenticator authenticator, CancellationToken cancellationToken)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiErrors.Unauthenticated("Send the token as 'Authorization: Bearer <API token>'.");
        }

        var token = await authenticator.FindActiveTokenAsync(authorization["Bearer ".Length..], cancellationToken)
            ?? throw new ApiException(StatusCodes.Status401Unauthorized, ApiErrors.InvalidTokenCode, "Invalid API Token");

        return TypedResults.Ok(Envelope.Ok(new TokenVerifyDto(token.Id, "active")));
    }
}
