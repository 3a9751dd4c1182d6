using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json.Serialization;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Models;

/// <summary>How a model wants its pixels: size, channel order, value = (pixel - mean) / std, NCHW.</summary>
internal sealed record InputContract
{
    /// <summary>Input width in pixels; 0 where the model takes any size (the detector options choose it).</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>RGB, BGR or GRAY.</summary>
    public string Channels { get; init; } = "RGB";

    public float[] Mean { get; init; } = [0f, 0f, 0f];

    public float[] Std { get; init; } = [1f, 1f, 1f];

    public string Layout { get; init; } = "NCHW";

    /// <summary>True where the model's batch dimension is free; otherwise batches run one image at a time.</summary>
    public bool DynamicBatch { get; init; }

    /// <summary>An embedder's alignment template (<see cref="Alignment.FaceTemplate"/>): "arcface" (the default) or "dlib".</summary>
    public string Alignment { get; init; } = ArcFaceKit.Alignment.FaceTemplate.ArcFaceName;

    [JsonIgnore]
    public int ChannelCount => Channels == "GRAY" ? 1 : 3;

    /// <summary>Checks the contract is one this library can feed.</summary>
    internal void Validate(string owner)
    {
        if (Channels is not ("RGB" or "BGR" or "GRAY"))
        {
            throw new ModelContractException($"{owner}: channels must be RGB, BGR or GRAY, not '{Channels}'.");
        }

        if (Layout != "NCHW")
        {
            throw new ModelContractException($"{owner}: only NCHW layout is supported, not '{Layout}'.");
        }

        if (!ArcFaceKit.Alignment.FaceTemplate.Names.Contains(Alignment))
        {
            throw new ModelContractException($"{owner}: alignment must be {string.Join(" or ", ArcFaceKit.Alignment.FaceTemplate.Names)}, not '{Alignment}'.");
        }

        if (Mean.Length != ChannelCount || Std.Length != ChannelCount || Std.Any(s => s == 0))
        {
            throw new ModelContractException($"{owner}: mean and std need {ChannelCount} values each, std non-zero.");
        }
    }

    /// <summary>Writes one image (already at the model's size) into <paramref name="destination"/> as normalised NCHW planes.</summary>
    internal void Fill(RgbImage image, Span<float> destination)
    {
        int plane = image.Width * image.Height;
        if (destination.Length < plane * ChannelCount)
        {
            throw new ArgumentException("Destination too small for the image.", nameof(destination));
        }

        FillPixels(image.Pixels, destination, plane, 0);
    }

    /// <summary>
    /// Writes a photo resized and padded as <paramref name="placement"/> says (the same values as <c>Fill</c> of
    /// <c>image.Resize(w, h).PadTo(canvas)</c>), one resized row at a time: no resized or padded copy of the photo.
    /// </summary>
    internal void FillLetterboxed(RgbImage image, CanvasPlacement placement, Span<float> destination)
    {
        int plane = placement.CanvasWidth * placement.CanvasHeight;
        if (destination.Length < plane * ChannelCount || placement.Width > placement.CanvasWidth || placement.Height > placement.CanvasHeight)
        {
            throw new ArgumentException("Destination too small for the canvas, or the photo larger than it.", nameof(destination));
        }

        var rows = new ResizedRows(image, placement.Width, placement.Height);
        var row = new byte[placement.Width * 3];
        for (int y = 0; y < placement.Height; y++)
        {
            rows.Write(y, row);
            FillPixels(row, destination, plane, y * placement.CanvasWidth);
            FillBlack(destination, plane, (y * placement.CanvasWidth) + placement.Width, placement.CanvasWidth - placement.Width);
        }

        FillBlack(destination, plane, placement.Height * placement.CanvasWidth, (placement.CanvasHeight - placement.Height) * placement.CanvasWidth);
    }

    /// <summary>Interleaved RGB pixels as values [at, at + count) of each plane (planes <paramref name="plane"/> values apart).</summary>
    private void FillPixels(ReadOnlySpan<byte> px, Span<float> destination, int plane, int at)
    {
        int count = px.Length / 3;
        if (Channels == "GRAY")
        {
            float m = Mean[0], s = 1f / Std[0];
            var gray = destination.Slice(at, count);
            for (int g = 0, p = 0; g < count; g++, p += 3)
            {
                // OpenCV's BGR2GRAY weights, rounded to a byte as OpenCV does.
                gray[g] = (MathF.Round((0.299f * px[p]) + (0.587f * px[p + 1]) + (0.114f * px[p + 2])) - m) * s;
            }

            return;
        }

        bool bgr = Channels == "BGR";
        int c0 = bgr ? 2 : 0, c2 = bgr ? 0 : 2;
        float m0 = Mean[0], m1 = Mean[1], m2 = Mean[2];
        float s0 = 1f / Std[0], s1 = 1f / Std[1], s2 = 1f / Std[2];
        var d0 = destination.Slice(at, count);
        var d1 = destination.Slice(plane + at, count);
        var d2 = destination.Slice((2 * plane) + at, count);
        int i = 0;
        if (Ssse3.IsSupported)
        {
            // 16 pixels a step: three byte shuffles gather each channel, then widened to floats; the same
            // (value - mean) * (1 / std) per value as below, so both paths give the same bits.
            var (mean0, mean1, mean2) = (Vector128.Create(m0), Vector128.Create(m1), Vector128.Create(m2));
            var (scale0, scale1, scale2) = (Vector128.Create(s0), Vector128.Create(s1), Vector128.Create(s2));
            ref byte source = ref MemoryMarshal.GetReference(px);
            for (; i + 16 <= count; i += 16)
            {
                var (a, b, c) = (Vector128.LoadUnsafe(ref source, (nuint)(3 * i)), Vector128.LoadUnsafe(ref source, (nuint)((3 * i) + 16)), Vector128.LoadUnsafe(ref source, (nuint)((3 * i) + 32)));
                WritePlane(Gather(a, b, c, c0), mean0, scale0, d0[i..]);
                WritePlane(Gather(a, b, c, 1), mean1, scale1, d1[i..]);
                WritePlane(Gather(a, b, c, c2), mean2, scale2, d2[i..]);
            }
        }

        for (int p = 3 * i; i < count; i++, p += 3)
        {
            d0[i] = (px[p + c0] - m0) * s0;
            d1[i] = (px[p + 1] - m1) * s1;
            d2[i] = (px[p + c2] - m2) * s2;
        }
    }

    /// <summary>Black pixels (the canvas's padding) as values [at, at + count) of each plane.</summary>
    private void FillBlack(Span<float> destination, int plane, int at, int count)
    {
        for (int c = 0; c < ChannelCount; c++)
        {
            // A black pixel is 0 in every channel, whatever their order (gray too).
            destination.Slice((c * plane) + at, count).Fill((0 - Mean[c]) * (1f / Std[c]));
        }
    }

    /// <summary>Channel <paramref name="channel"/> of 16 interleaved RGB pixels held in three vectors (48 bytes).</summary>
    private static Vector128<byte> Gather(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, int channel) =>
        Ssse3.Shuffle(a, ChannelMasks[channel][0]) | Ssse3.Shuffle(b, ChannelMasks[channel][1]) | Ssse3.Shuffle(c, ChannelMasks[channel][2]);

    private static void WritePlane(Vector128<byte> values, Vector128<float> mean, Vector128<float> scale, Span<float> destination)
    {
        var (low, high) = Vector128.Widen(values);
        var (q0, q1) = Vector128.Widen(low);
        var (q2, q3) = Vector128.Widen(high);
        ((Vector128.ConvertToSingle(q0.AsInt32()) - mean) * scale).CopyTo(destination);
        ((Vector128.ConvertToSingle(q1.AsInt32()) - mean) * scale).CopyTo(destination[4..]);
        ((Vector128.ConvertToSingle(q2.AsInt32()) - mean) * scale).CopyTo(destination[8..]);
        ((Vector128.ConvertToSingle(q3.AsInt32()) - mean) * scale).CopyTo(destination[12..]);
    }

    /// <summary>For each channel, the byte shuffles that pick its 16 values out of each of the three vectors (0x80: none).</summary>
    private static readonly Vector128<byte>[][] ChannelMasks = [.. Enumerable.Range(0, 3).Select(channel =>
        Enumerable.Range(0, 3).Select(part => Vector128.Create([.. Enumerable.Range(0, 16).Select(pixel =>
        {
            int at = (3 * pixel) + channel - (16 * part);
            return at is >= 0 and < 16 ? (byte)at : (byte)0x80;
        })])).ToArray())];
}
