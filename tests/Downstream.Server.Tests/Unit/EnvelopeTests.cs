using System.Text.Json;
using Downstream.Server.Api;
using Downstream.Server.Downloads;

namespace Downstream.Server.Tests.Unit;

public sealed class EnvelopeTests
{
    [Fact]
    public void Success_envelope_has_the_four_fields_in_wire_names()
    {
        var json = JsonSerializer.Serialize(
            Envelope.Ok(new Dictionary<string, DownloadDto> { ["default"] = new("ready", 100, "http://x/u/downloads/default.mp4") }),
            ApiJsonContext.Default.EnvelopeDictionaryStringDownloadDto);
        Assert.Equal(
            """{"result":{"default":{"status":"ready","percentComplete":100,"url":"http://x/u/downloads/default.mp4"}},"success":true,"errors":[],"messages":[]}""",
            json);
    }

    [Fact]
    public void Failure_envelope_has_null_result_and_the_error()
    {
        var json = JsonSerializer.Serialize(Envelope.Fail(new ApiMessage(10003, "Video not found: x")), ApiJsonContext.Default.EnvelopeObject);
        Assert.Equal("""{"result":null,"success":false,"errors":[{"code":10003,"message":"Video not found: x"}],"messages":[]}""", json);
    }

    [Fact]
    public void Authentication_errors_carry_the_detail_in_an_error_chain()
    {
        var error = ApiErrors.Unauthenticated("The API token is not valid.");
        Assert.Equal(401, error.Status);
        var json = JsonSerializer.Serialize(Envelope.Fail(error.ToMessage()), ApiJsonContext.Default.EnvelopeObject);
        Assert.Contains("""{"code":10000,"message":"Authentication error","error_chain":[{"code":10000,"message":"The API token is not valid."}]}""", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("0123456789abcdef0123456789abcde", false)]
    [InlineData("0123456789abcdef0123456789abcdef0", false)]
    [InlineData("..", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("0123456789abcdef0123456789abcdeg", false)]
    public void Ids_are_32_lowercase_hex(string? value, bool valid)
    {
        Assert.Equal(valid, Ids.IsValid(value));
    }

    [Fact]
    public void Invalid_parameter_names_the_parameter_and_clips_the_value()
    {
        var error = ApiErrors.InvalidParameter("identifier", new string('x', 500) + "\n", "must be hex");
        Assert.Equal(400, error.Status);
        Assert.StartsWith("Invalid parameter 'identifier' ('xxxx", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 150);
        Assert.DoesNotContain('\n', error.Message);
    }
}
