using System.Text;

namespace ArcFaceKit.Cli.Commands;

/// <summary>NumPy .npy version 1.0: little-endian float32, C order, shape (rows, dim).</summary>
internal static class NpyWriter
{
    public static void Write(string path, IReadOnlyList<float[]> rows, int dimension)
    {
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows.Count}, {dimension}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        ArcFaceKit.IO.AtomicFile.Write(path, file =>
        {
            using var stream = new BinaryWriter(file);
            stream.Write((byte)0x93);
            stream.Write("NUMPY"u8);
            stream.Write((byte)1);
            stream.Write((byte)0);
            stream.Write((ushort)header.Length);
            stream.Write(Encoding.ASCII.GetBytes(header));
            foreach (var row in rows)
            {
                foreach (var v in row)
                {
                    stream.Write(v);
                }
            }
        });
    }
}
