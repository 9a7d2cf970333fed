namespace Downstream.Server.Api;

/// <summary>
/// A client-visible failure: the HTTP status and the envelope error it becomes.
/// Thrown from handlers and turned into the envelope by <see cref="ApiErrorMiddleware"/>.
/// </summary>
public sealed class ApiException(int status, int code, string message, IReadOnlyList<ApiMessage>? chain = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public int Code { get; } = code;

    public IReadOnlyList<ApiMessage>? Chain { get; } = chain;

    /// <summary>Sent as <c>Retry-After</c> when set: the SDKs wait that long before they try again.</summary>
    public int? RetryAfterSeconds { get; init; }

    public ApiMessage ToMessage() => new(Code, Message) { ErrorChain = Chain };
}
