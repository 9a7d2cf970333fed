namespace Downstream.Server.Api;

/// <summary>Identifiers are 32 lowercase hex digits, like Cloudflare's account ids and video uids.</summary>
public static class Ids
{
    public static string New() => Guid.NewGuid().ToString("N");

    public static bool IsValid(string? value) =>
        value is { Length: 32 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public static string Require(string? value, string parameter) =>
        IsValid(value)
            ? value!
            : throw ApiErrors.InvalidParameter(parameter, value, "must be 32 lowercase hexadecimal characters");
}
