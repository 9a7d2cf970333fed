namespace Downstream.Server.Tests.Support;

/// <summary>One server and one set of test media shared by the integration tests of a collection.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly TempDir _data = new("downstream-data");

    public ServerProcess Server { get; private set; } = null!;

    public MediaFiles Media { get; } = new();

    public StreamApi Api => new(Server.Http);

    public async Task InitializeAsync() => Server = await ServerProcess.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Media.Dispose();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
