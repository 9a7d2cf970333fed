using Microsoft.AspNetCore.Http;

namespace Downstream.Server.Api;

/// <summary>
/// Every error the API gives, in one place. Statuses are chosen for what the SDKs do with them:
/// they retry 408, 409, 429 and 5xx, so a client mistake is always another 4xx.
/// </summary>
public static class ApiErrors
{
    public const int AuthenticationCode = 10000;
    public const int NotFoundCode = 10003;
    public const int BadRequestCode = 10005;
    public const int InvalidUrlCode = 10010;
    public const int PayloadTooLargeCode = 10011;
    public const int NoRouteCode = 7003;
    public const int MethodNotAllowedCode = 7001;
    public const int InternalCode = 1000;
    public const int InvalidTokenCode = 1000;

    public static ApiException Unauthenticated(string detail) =>
        new(StatusCodes.Status401Unauthorized, AuthenticationCode, "Authentication error",
            [new ApiMessage(AuthenticationCode, detail)]);

    public static ApiException Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, AuthenticationCode, "Authentication error",
            [new ApiMessage(AuthenticationCode, detail)]);

    public static ApiException BadRequest(string message) =>
        new(StatusCodes.Status400BadRequest, BadRequestCode, message);

    public static ApiException InvalidParameter(string name, string? value, string rule) =>
        BadRequest(value is null
            ? $"Invalid parameter '{name}': {rule}."
            : $"Invalid parameter '{name}' ('{Shorten(value)}'): {rule}.");

    public static ApiException InvalidUrl(string message) =>
        new(StatusCodes.Status400BadRequest, InvalidUrlCode, message);

    public static ApiException NotFound(string message) =>
        new(StatusCodes.Status404NotFound, NotFoundCode, message);

    public static ApiException TooLarge(string message) =>
        new(StatusCodes.Status413PayloadTooLarge, PayloadTooLargeCode, message);

    /// <summary>Keeps echoed input short and printable, so a hostile value cannot flood a message.</summary>
    public static string Shorten(string value)
    {
        var clipped = value.Length > 64 ? value[..64] + "..." : value;
        return new string([.. clipped.Select(c => char.IsControl(c) ? '?' : c)]);
    }
}
