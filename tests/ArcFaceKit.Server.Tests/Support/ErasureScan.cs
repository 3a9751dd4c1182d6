using System.Runtime.InteropServices;
using System.Text;
using ArcFaceKit.Gallery;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>
/// Looks for an erased face in the files a store owns, the way someone holding a copy of the disk would: slices of its
/// embedding's bytes and of its crop PNG, anywhere in any file.
/// </summary>
public static class ErasureScan
{
    /// <summary>Byte slices that identify a face: three 32-byte runs of its embedding and three of its crop.</summary>
    public static IReadOnlyList<byte[]> Slices(NewFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        byte[] embedding = MemoryMarshal.AsBytes(face.Embedding.AsSpan()).ToArray();
        return [.. Spread(embedding), .. Spread(face.CropPng)];
    }

    /// <summary>Three 32-byte runs of an image as stored (a camera snapshot's PNG).</summary>
    public static IReadOnlyList<byte[]> Slices(byte[] image) => [.. Spread(image)];

    /// <summary>Slices of the embedding in half precision, as an index file keeps it.</summary>
    public static IReadOnlyList<byte[]> HalfSlices(NewFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var halves = face.Embedding.Select(v => (Half)v).ToArray();
        return [.. Spread(MemoryMarshal.AsBytes(halves.AsSpan()).ToArray())];
    }

    public static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    /// <summary>How many of <paramref name="slices"/> occur in any of the files (missing files count as empty).</summary>
    public static int Found(IEnumerable<string> files, IReadOnlyList<byte[]> slices)
    {
        var contents = files.Where(File.Exists).Select(File.ReadAllBytes).ToList();
        return slices.Count(slice => contents.Any(c => c.AsSpan().IndexOf(slice) >= 0));
    }

    private static IEnumerable<byte[]> Spread(byte[] data)
    {
        for (int i = 1; i <= 3; i++)
        {
            int at = (data.Length - 32) * i / 4;
            yield return data[at..(at + 32)];
        }
    }
}
