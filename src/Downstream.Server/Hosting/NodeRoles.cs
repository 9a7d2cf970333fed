namespace Downstream.Server.Hosting;

/// <summary>What one node does (<c>DOWNSTREAM_ROLE</c>): any node answers any request its role serves.</summary>
public static class NodeRoles
{
    /// <summary>Serves the API and media, and runs jobs. The default.</summary>
    public const string All = "all";

    /// <summary>Serves the API and media; runs no jobs.</summary>
    public const string Api = "api";

    /// <summary>Runs jobs (ffmpeg, copies) and the janitor; serves only <c>/health</c>.</summary>
    public const string Worker = "worker";
}
