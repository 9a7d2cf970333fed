using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Downstream.Server.Webhooks;

/// <summary>
/// Cloudflare's webhook signature: <c>Webhook-Signature: time={unix},sig1={hex}</c>, where <c>sig1</c> is
/// HMAC-SHA256 keyed with the secret (its UTF-8 bytes, not hex-decoded) over <c>{time}.{raw body}</c>.
/// </summary>
public static class WebhookSignature
{
    public static string Header(string secret, long unixTime, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixTime.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return $"time={unixTime.ToString(CultureInfo.InvariantCulture)},sig1={Convert.ToHexStringLower(mac)}";
    }
}
