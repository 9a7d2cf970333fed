using System.Security.Cryptography;
using System.Text;

namespace Downstream.Server.Auth;

/// <summary>
/// Secrets are random and long, so one SHA-256 is enough to store them safely (no password
/// stretching needed) and lets the database find a token by its hash.
/// </summary>
public static class Secrets
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] hash) => CryptographicOperations.FixedTimeEquals(Hash(secret), hash);

    /// <summary>A new 40-character token, the length and alphabet of Cloudflare's API tokens.</summary>
    public static string NewToken() => RandomNumberGenerator.GetString(Alphabet, 40);
}
