using System.Runtime.InteropServices;

namespace Downstream.Server.Storage;

/// <summary>Makes a file's bytes and a folder's entries durable: the two fsyncs around a publishing rename.</summary>
public interface IFileDurability
{
    void FlushFile(string path);

    void FlushFolder(string path);
}

/// <summary>fsync on the file, and on the folder through a directory descriptor (POSIX; a no-op for folders elsewhere).</summary>
public sealed partial class FileDurability : IFileDurability
{
    public static readonly FileDurability Instance = new();

    public void FlushFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(handle);
    }

    public void FlushFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(path, ODirectoryReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open {path} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of {path} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // O_RDONLY | O_DIRECTORY on Linux (0x10000); O_DIRECTORY is 0x100000 on macOS.
    private static readonly int ODirectoryReadOnly = OperatingSystem.IsMacOS() ? 0x100000 : 0x10000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
