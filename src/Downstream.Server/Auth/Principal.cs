namespace Downstream.Server.Auth;

/// <summary>Who made a request and what it may do.</summary>
public sealed record Principal(string Kind, string Id, IReadOnlySet<string> AccountIds, bool CanWrite)
{
    public bool CanRead(string accountId) => AccountIds.Contains(accountId);
}
