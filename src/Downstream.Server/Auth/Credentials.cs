namespace Downstream.Server.Auth;

/// <summary>An API token scoped to one account, with Stream Read, or Stream Read and Write.</summary>
public sealed record ApiToken
{
    public required string Id { get; init; }

    public required byte[] SecretHash { get; init; }

    public required string AccountId { get; init; }

    public required bool CanWrite { get; init; }

    public required string Name { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset? Revoked { get; init; }
}

/// <summary>A user of the legacy <c>X-Auth-Email</c> + <c>X-Auth-Key</c> scheme; full access to its accounts.</summary>
public sealed record GlobalKeyUser(string Email, byte[] KeyHash, IReadOnlySet<string> AccountIds);
