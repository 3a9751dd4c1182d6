using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Search;

/// <summary>Parameterised SQLite commands in one line each, and embeddings as little-endian float blobs.</summary>
public static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection db, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }

        return cmd;
    }

    public static int Execute(this SqliteConnection db, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = db.Command(tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    public static T Scalar<T>(this SqliteConnection db, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = db.Command(tx, sql, args);
        object? value = cmd.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    public static byte[] ToBlob(ReadOnlySpan<float> v) => MemoryMarshal.AsBytes(v).ToArray();

    public static float[] FromBlob(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob).ToArray();
}
