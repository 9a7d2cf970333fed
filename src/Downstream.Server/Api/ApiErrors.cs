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
    public const int BusyCode = 10012;
    public const int StorageFullCode = 10013;
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

    /// <summary>410: the thing existed but is used up or expired (a direct upload URL).</summary>
    public static ApiException Gone(string message) =>
        new(StatusCodes.Status410Gone, BadRequestCode, message);

    public static ApiException NotFound(string message) =>
        new(StatusCodes.Status404NotFound, NotFoundCode, message);

    public static ApiException TooLarge(string message) =>
        new(StatusCodes.Status413PayloadTooLarge, PayloadTooLargeCode, message);

    /// <summary>The node is at a limit that frees itself: 429, which the SDKs retry after <c>Retry-After</c>.</summary>
    public static ApiException Busy(string message, int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, BusyCode, message) { RetryAfterSeconds = retryAfterSeconds };

    /// <summary>The server has no room for the media: 507, a server condition rather than a client mistake.</summary>
    public static ApiException StorageFull(string message) =>
        new(StatusCodes.Status507InsufficientStorage, StorageFullCode, message);

    /// <summary>Keeps echoed input short and printable, so a hostile value cannot flood a message.</summary>
    public static string Shorten(string value)
    {
        var clipped = value.Length > 64 ? value[..64] + "..." : value;
        return new string([.. clipped.Select(c => char.IsControl(c) ? '?' : c)]);
    }
}
