namespace Downstream.Server.Storage.Sql;

/// <summary>Times are stored as Unix milliseconds: sortable, compact, and free of time-zone text.</summary>
internal static class UnixTime
{
    public static long To(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? To(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset From(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? From(long? value) => value is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
