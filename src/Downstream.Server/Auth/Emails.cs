namespace Downstream.Server.Auth;

/// <summary>E-mail addresses as stored and looked up: trimmed and lower-cased, once, at every boundary.</summary>
public static class Emails
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
