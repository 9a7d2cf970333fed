using System.IO.MemoryMappedFiles;
using Microsoft.Data.Sqlite;

namespace Downstream.Server.Storage.Sqlite;

/// <summary>
/// Reads SQLite's own change counter from the WAL index (the <c>-shm</c> file, format documented at
/// sqlite.org/walformat.html): <c>iChange</c> grows with every transaction, <c>mxFrame</c> and the salts
/// change with every commit and WAL reset. Reading it is a memory load, no system call. The header is
/// kept in two copies that writers update one after the other; a read that finds them different is
/// treated as unknown, as SQLite's own readers do. A connection stays open for the life of the
/// process, so the <c>-shm</c> file mapped here is never deleted under us by a last-closing process.
/// </summary>
public sealed class SqliteChangeStamp : IChangeStamp, IDisposable
{
    private const int HeaderSize = 48;
    private readonly string _shmPath;
    private readonly object _gate = new();
    private SqliteConnection? _sentinel;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;

    public SqliteChangeStamp(string databasePath)
    {
        _shmPath = databasePath + "-shm";
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    public bool TryRead(out ulong stamp)
    {
        stamp = 0;
        var view = _view ?? Open();
        if (view is null)
        {
            return false;
        }

        Span<byte> first = stackalloc byte[HeaderSize];
        Span<byte> second = stackalloc byte[HeaderSize];
        for (var i = 0; i < HeaderSize; i += 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(first[i..], view.ReadUInt64(i));
        }

        Thread.MemoryBarrier();
        for (var i = 0; i < HeaderSize; i += 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(second[i..], view.ReadUInt64(HeaderSize + i));
        }

        if (!first.SequenceEqual(second) || first[12] == 0)
        {
            return false;
        }

        // iChange (8..12), mxFrame (16..20) and the two salts (32..40), in native byte order.
        var change = BitConverter.ToUInt32(first[8..12]);
        var frames = BitConverter.ToUInt32(first[16..20]);
        var salt = BitConverter.ToUInt64(first[32..40]);
        stamp = ((ulong)change << 32 | frames) ^ (salt * 0x9E3779B97F4A7C15UL);
        return true;
    }

    private MemoryMappedViewAccessor? Open()
    {
        lock (_gate)
        {
            if (_view is not null)
            {
                return _view;
            }

            try
            {
                _sentinel ??= OpenSentinel();
                if (!File.Exists(_shmPath))
                {
                    return null;
                }

                using var stream = new FileStream(_shmPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (stream.Length < HeaderSize * 2)
                {
                    return null;
                }

                _map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                _view = _map.CreateViewAccessor(0, HeaderSize * 2, MemoryMappedFileAccess.Read);
                return _view;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
            {
                return null;
            }
        }
    }

    private SqliteConnection OpenSentinel()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM settings";
        command.ExecuteScalar();
        return connection;
    }

    public void Dispose()
    {
        _view?.Dispose();
        _map?.Dispose();
        _sentinel?.Dispose();
    }
}
