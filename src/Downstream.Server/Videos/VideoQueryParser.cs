using System.Globalization;
using Downstream.Server.Api;
using Downstream.Server.Storage;

namespace Downstream.Server.Videos;

/// <summary>Reads the list filters of <c>GET /stream</c>; a wrong value is a 400 naming the parameter.</summary>
public static class VideoQueryParser
{
    public static VideoQuery Parse(IQueryCollection query) => new()
    {
        Limit = Int(query, "limit", 1, 1000) ?? 1000,
        Ascending = Bool(query, "asc") ?? false,
        IncludeCounts = Bool(query, "include_counts") ?? false,
        Before = Date(query, "before"),
        After = Date(query, "after"),
        Start = Date(query, "start"),
        End = Date(query, "end"),
        State = State(query),
        Search = Text(query, "search", 256),
        Creator = Text(query, "creator", 64),
    };

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) ? values.ToString() : null;

    private static int? Int(IQueryCollection query, string name, int min, int max)
    {
        var text = Single(query, name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw ApiErrors.InvalidParameter(name, text, $"must be a whole number from {min} to {max}");
    }

    private static bool? Bool(IQueryCollection query, string name) => Single(query, name) switch
    {
        null => null,
        "true" => true,
        "false" => false,
        var other => throw ApiErrors.InvalidParameter(name, other, "must be true or false"),
    };

    private static DateTimeOffset? Date(IQueryCollection query, string name)
    {
        var text = Single(query, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw ApiErrors.InvalidParameter(name, text, "must be an RFC 3339 date-time");
    }

    private static string? State(IQueryCollection query)
    {
        var text = Single(query, "status");
        return text is null || VideoStates.All.Contains(text)
            ? text
            : throw ApiErrors.InvalidParameter("status", text, "must be one of " + string.Join(", ", VideoStates.All));
    }

    private static string? Text(IQueryCollection query, string name, int maxLength)
    {
        var text = Single(query, name);
        return text is null || text.Length <= maxLength
            ? text
            : throw ApiErrors.InvalidParameter(name, text, $"must be at most {maxLength} characters");
    }
}
