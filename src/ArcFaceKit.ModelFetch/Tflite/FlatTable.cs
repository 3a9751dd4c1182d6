using System.Buffers.Binary;
using System.Text;

namespace ArcFaceKit.Models.Tflite;

/// <summary>
/// One table of a FlatBuffers file, read in place: a table starts with the signed offset of its vtable, whose 16-bit
/// entries give each field's offset in the table (0: absent, the schema's default). Every offset is checked against
/// the file, so damaged bytes raise <see cref="ModelContractException"/> instead of reading elsewhere.
/// </summary>
internal readonly struct FlatTable
{
    private readonly byte[] _data;
    private readonly int _position;
    private readonly int _vtable;
    private readonly int _vtableSize;

    private FlatTable(byte[] data, int position)
    {
        _data = data;
        _position = position;
        _vtable = Checked(data, (long)position - ReadInt(data, position), 4);
        _vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(_vtable));
        Checked(data, _vtable, _vtableSize);
    }

    /// <summary>The root table, after checking the 4-byte file identifier that follows the root offset.</summary>
    public static FlatTable Root(byte[] data, string identifier)
    {
        if (data.Length < 8 || Encoding.ASCII.GetString(data, 4, 4) != identifier)
        {
            throw Damaged($"it lacks the '{identifier}' identifier");
        }

        return new FlatTable(data, Checked(data, ReadUInt(data, 0), 4));
    }

    public int Int(int field, int defaultValue = 0) => Field(field) is int at and > 0 ? ReadInt(_data, Checked(_data, _position + at, 4)) : defaultValue;

    public uint UInt(int field, uint defaultValue = 0) => Field(field) is int at and > 0 ? ReadUInt(_data, Checked(_data, _position + at, 4)) : defaultValue;

    public byte Byte(int field, byte defaultValue = 0) => Field(field) is int at and > 0 ? _data[Checked(_data, _position + at, 1)] : defaultValue;

    public bool Has(int field) => Field(field) > 0;

    /// <summary>A table field (null when absent).</summary>
    public FlatTable? Table(int field) => Target(field) is int t ? new FlatTable(_data, t) : null;

    public IReadOnlyList<FlatTable> Tables(int field)
    {
        if (Vector(field, 4) is not var (start, count))
        {
            return [];
        }

        var tables = new FlatTable[count];
        for (int i = 0; i < count; i++)
        {
            int at = start + (4 * i);
            tables[i] = new FlatTable(_data, Checked(_data, (long)at + ReadUInt(_data, at), 4));
        }

        return tables;
    }

    public int[] Ints(int field)
    {
        if (Vector(field, 4) is not var (start, count))
        {
            return [];
        }

        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = ReadInt(_data, start + (4 * i));
        }

        return values;
    }

    public ReadOnlyMemory<byte> Bytes(int field) => Vector(field, 1) is var (start, count) ? _data.AsMemory(start, count) : ReadOnlyMemory<byte>.Empty;

    public string? String(int field) => Vector(field, 1) is var (start, count) ? Encoding.UTF8.GetString(_data, start, count) : null;

    private static ModelContractException Damaged(string why) => new($"This is not a TensorFlow Lite model, or it is damaged: {why}.");

    private static int ReadInt(byte[] data, int at) => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(Checked(data, at, 4)));

    private static uint ReadUInt(byte[] data, int at) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(Checked(data, at, 4)));

    /// <summary>The position <paramref name="at"/>, when <paramref name="length"/> bytes from it lie inside the file.</summary>
    private static int Checked(byte[] data, long at, long length) =>
        at >= 0 && length >= 0 && at + length <= data.Length ? (int)at : throw Damaged($"an offset ({at}) points outside its {data.Length} bytes");

    private int Field(int field)
    {
        int entry = 4 + (2 * field);
        return entry + 2 <= _vtableSize ? BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan(_vtable + entry)) : 0;
    }

    private int? Target(int field)
    {
        if (Field(field) is not (int at and > 0))
        {
            return null;
        }

        int p = Checked(_data, _position + at, 4);
        return Checked(_data, (long)p + ReadUInt(_data, p), 4);
    }

    /// <summary>A vector field's first element and length, its elements of <paramref name="size"/> bytes all inside the file.</summary>
    private (int Start, int Count)? Vector(int field, int size)
    {
        if (Target(field) is not int t)
        {
            return null;
        }

        uint count = ReadUInt(_data, t);
        return (Checked(_data, t + 4, (long)count * size), (int)count);
    }
}
