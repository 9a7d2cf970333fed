using System.Security.Cryptography;
using System.Text;

namespace Downstream.Cli.Infrastructure;

/// <summary>
/// Where <c>videos upload</c> keeps the URL of a resumable upload while it runs, so that running the same command
/// again after an interruption (Ctrl-C, a crash, a lost network) goes on from where the server stopped. One file per
/// server, account and file (its path, size and time), below <c>$XDG_STATE_HOME/downstream/uploads</c>
/// (default <c>~/.local/state</c>); removed once the upload is whole.
/// </summary>
public sealed class ResumeFile
{
    private readonly string _path;

    public ResumeFile(Func<string, string?> environment, string baseUrl, string account, string file)
    {
        var info = new FileInfo(file);
        var state = environment("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        var key = $"{baseUrl}\n{account}\n{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}";
        _path = Path.Combine(state, "downstream", "uploads", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
    }

    /// <summary>The upload URL an earlier run left, if any.</summary>
    public Uri? Read() =>
        File.Exists(_path) && Uri.TryCreate(File.ReadAllText(_path).Trim(), UriKind.Absolute, out var url) ? url : null;

    public void Write(Uri url)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, url.ToString());
    }

    public void Delete() => File.Delete(_path);
}
