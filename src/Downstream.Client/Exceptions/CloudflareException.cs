using System.Net;
using Downstream.Client.Models;

namespace Downstream.Client.Exceptions;

/// <summary>The base of every exception this client throws.</summary>
public class CloudflareException : Exception
{
    public CloudflareException()
    {
    }

    public CloudflareException(string message)
        : base(message)
    {
    }

    public CloudflareException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The API answered with an error status; <see cref="Errors"/> holds the envelope's errors.</summary>
public class ApiException : CloudflareException
{
    public ApiException()
    {
    }

    public ApiException(string message)
        : base(message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ApiException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string responseBody)
        : base(Describe(statusCode, errors))
    {
        StatusCode = statusCode;
        Errors = errors;
        ResponseBody = responseBody;
    }

    public HttpStatusCode StatusCode { get; }

    public IReadOnlyList<ApiMessage> Errors { get; } = [];

    public string ResponseBody { get; } = "";

    private static string Describe(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors)
    {
        var details = errors.Select(e => e.ErrorChain is { Count: > 0 } chain
            ? $"{e.Message} ({string.Join("; ", chain.Select(c => c.Message))})"
            : e.Message);
        var text = string.Join("; ", details);
        return $"{(int)statusCode} {statusCode}: {(text.Length > 0 ? text : "no error details")}";
    }
}

/// <summary>400: the request was wrong; the message says which parameter.</summary>
public sealed class BadRequestException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string body)
    : ApiException(statusCode, errors, body);

/// <summary>401: missing or unknown credentials.</summary>
public sealed class AuthenticationException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string body)
    : ApiException(statusCode, errors, body);

/// <summary>403: the credential cannot do this, or cannot reach this account.</summary>
public sealed class PermissionDeniedException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string body)
    : ApiException(statusCode, errors, body);

/// <summary>404: no such video, download or route.</summary>
public sealed class NotFoundException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string body)
    : ApiException(statusCode, errors, body);

/// <summary>409: a conflict (retried before it is thrown).</summary>
public sealed class ConflictException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string body)
    : ApiException(statusCode, errors, body);

/// <summary>422: the request was understood but cannot be processed.</summary>
public sealed class UnprocessableEntityException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string body)
    : ApiException(statusCode, errors, body);

/// <summary>429: too many requests (retried before it is thrown).</summary>
public sealed class RateLimitException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string body)
    : ApiException(statusCode, errors, body);

/// <summary>5xx: the server failed (retried before it is thrown).</summary>
public sealed class InternalServerException(HttpStatusCode statusCode, IReadOnlyList<ApiMessage> errors, string body)
    : ApiException(statusCode, errors, body);

/// <summary>The server could not be reached, or an attempt timed out, after every retry.</summary>
public sealed class ConnectionException : CloudflareException
{
    public ConnectionException()
    {
    }

    public ConnectionException(string message)
        : base(message)
    {
    }

    public ConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when the last attempt ran out of time rather than failing to connect.</summary>
    public bool IsTimeout { get; init; }
}

/// <summary>A download ended in <c>error</c> while <c>WaitUntilReady</c> waited for it.</summary>
public sealed class DownloadFailedException : CloudflareException
{
    public DownloadFailedException()
    {
    }

    public DownloadFailedException(string message)
        : base(message)
    {
    }

    public DownloadFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The server has no live event stream (Cloudflare has none): poll instead.</summary>
public sealed class EventsUnavailableException : CloudflareException
{
    public EventsUnavailableException(string message)
        : base(message)
    {
    }

    public EventsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

internal static class ApiExceptionFactory
{
    /// <summary>The exception of <paramref name="status"/> with the envelope's errors, or the body itself when it is no envelope.</summary>
    public static ApiException FromBody(HttpStatusCode status, string body)
    {
        IReadOnlyList<ApiMessage>? errors = null;
        try
        {
            errors = body.Length == 0 ? null : System.Text.Json.JsonSerializer.Deserialize(body, Core.ClientJsonContext.Default.Envelope)?.Errors;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return Create(status, errors is { Count: > 0 } ? errors : [new ApiMessage { Code = (int)status, Message = body.Length > 300 ? body[..300] + "..." : body }], body);
    }

    public static ApiException Create(HttpStatusCode status, IReadOnlyList<ApiMessage> errors, string body) => (int)status switch
    {
        400 => new BadRequestException(status, errors, body),
        401 => new AuthenticationException(status, errors, body),
        403 => new PermissionDeniedException(status, errors, body),
        404 => new NotFoundException(status, errors, body),
        409 => new ConflictException(status, errors, body),
        422 => new UnprocessableEntityException(status, errors, body),
        429 => new RateLimitException(status, errors, body),
        >= 500 => new InternalServerException(status, errors, body),
        _ => new ApiException(status, errors, body),
    };
}
