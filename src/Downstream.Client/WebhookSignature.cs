using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Downstream.Client;

/// <summary>
/// Checks the <c>Webhook-Signature</c> header of a delivery (Cloudflare's and Downstream's):
/// <c>time={unix},sig1={hex}</c>, HMAC-SHA256 keyed with the secret's UTF-8 bytes over <c>{time}.{raw body}</c>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>
    /// True when <paramref name="header"/> signs <paramref name="body"/> (the raw bytes, unaltered) with
    /// <paramref name="secret"/> and its time is within <paramref name="tolerance"/> of now (default five minutes),
    /// which keeps an old delivery from being replayed.
    /// </summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, TimeSpan? tolerance = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        long? unix = null;
        byte[]? signature = null;
        foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0] == "time" && long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                unix = t;
            }
            else if (pair[0] == "sig1" && pair[1].Length == 64)
            {
                try
                {
                    signature = Convert.FromHexString(pair[1]);
                }
                catch (FormatException)
                {
                    return false;
                }
            }
        }

        if (unix is not { } seconds || signature is null)
        {
            return false;
        }

        var now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > (tolerance ?? TimeSpan.FromMinutes(5)).TotalSeconds)
        {
            return false;
        }

        var prefix = Encoding.UTF8.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message), signature);
    }
}
