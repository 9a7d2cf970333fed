using System.Text.Json;
using Downstream.Server.Api;
using Downstream.Server.Videos;

namespace Downstream.Server.Tests.Unit;

public sealed class VideoEditTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Video Sample = new()
    {
        Uid = "0123456789abcdef0123456789abcdef",
        AccountId = "fedcba9876543210fedcba9876543210",
        State = VideoStates.Ready,
        Created = Created,
        Modified = Created,
        Uploaded = Created,
    };

    private static Video Apply(string json) => VideoEdit.Apply(Sample, JsonDocument.Parse(json).RootElement, Created.AddHours(1));

    [Fact]
    public void Fields_are_applied_and_absent_ones_kept()
    {
        var edited = Apply("""{"meta":{"name":"clip.mp4","x":1},"requireSignedURLs":true,"creator":"me","thumbnailTimestampPct":0.5,"unknown":"ignored"}""");
        Assert.Equal("""{"name":"clip.mp4","x":1}""", edited.Meta);
        Assert.Equal("clip.mp4", edited.Name);
        Assert.True(edited.RequireSignedUrls);
        Assert.Equal("me", edited.Creator);
        Assert.Equal(0.5, edited.ThumbnailTimestampPct);
        Assert.Equal(Created.AddHours(1), edited.Modified);
        Assert.Equal(-1, edited.MaxDurationSeconds);
    }

    [Fact]
    public void Null_removes_a_scheduled_deletion_and_a_date_sets_it()
    {
        var set = Apply("""{"scheduledDeletion":"2026-03-01T00:00:00Z"}""");
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), set.ScheduledDeletion);
        var cleared = VideoEdit.Apply(set, JsonDocument.Parse("""{"scheduledDeletion":null}""").RootElement, Created);
        Assert.Null(cleared.ScheduledDeletion);
    }

    [Theory]
    [InlineData("""{"meta":"text"}""", "meta")]
    [InlineData("""{"meta":[1]}""", "meta")]
    [InlineData("""{"requireSignedURLs":"yes"}""", "requireSignedURLs")]
    [InlineData("""{"creator":5}""", "creator")]
    [InlineData("""{"thumbnailTimestampPct":2}""", "thumbnailTimestampPct")]
    [InlineData("""{"maxDurationSeconds":0}""", "maxDurationSeconds")]
    [InlineData("""{"maxDurationSeconds":1.5}""", "maxDurationSeconds")]
    [InlineData("""{"allowedOrigins":"example.com"}""", "allowedOrigins")]
    [InlineData("""{"scheduledDeletion":"tomorrow"}""", "scheduledDeletion")]
    [InlineData("""{"scheduledDeletion":"2026-01-10T00:00:00Z"}""", "scheduledDeletion")]
    public void Wrong_values_are_400_naming_the_field(string json, string field)
    {
        var error = Assert.Throws<ApiException>(() => Apply(json));
        Assert.Equal(400, error.Status);
        Assert.Contains($"'{field}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Creator_over_64_characters_is_refused()
    {
        Assert.Throws<ApiException>(() => Apply($$"""{"creator":"{{new string('c', 65)}}"}"""));
    }
}
