using System.Data.Common;
using System.Globalization;

namespace ArcFaceKit.Gallery;

/// <summary>The ADO.NET helpers every part of the gallery (and its dialects) runs its SQL through.</summary>
internal static class GalleryDb
{
    public static DbCommand Command(DbConnection db, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }

    public static async Task<int> ExecuteAsync(DbConnection db, DbTransaction? tx, CancellationToken cancellationToken, string sql, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(db, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<T> ScalarAsync<T>(DbConnection db, DbTransaction? tx, CancellationToken cancellationToken, string sql, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(db, tx, sql, args);
        object? value = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return value is null or DBNull ? default! : value is T t ? t : (T)Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }
}
