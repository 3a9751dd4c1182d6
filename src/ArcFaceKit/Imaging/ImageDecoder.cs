using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SkiaSharp;

namespace ArcFaceKit.Imaging;

/// <summary>Decodes JPEG (incl. grayscale, CMYK), PNG, BMP, WebP and GIF (first frame) with EXIF orientation applied.</summary>
public static class ImageDecoder
{
    public static RgbImage DecodeFile(string path, DecodeOptions? options = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException($"{path}: cannot read the file ({e.Message}).", e);
        }

        try
        {
            return Decode(bytes, options);
        }
        catch (ImageDecodeException e)
        {
            throw new ImageDecodeException($"{path}: {e.Message}", e);
        }
    }

    public static RgbImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions? options = null) => Decode(encoded, options ?? DecodeOptions.Default, long.MaxValue, pool: null).Image;

    /// <summary>The pixels <see cref="Decode(ReadOnlySpan{byte}, DecodeOptions, long, PixelPool)"/> will produce, from the header only (nothing decoded), under the options' limit.</summary>
    internal static long MeasurePixels(ReadOnlySpan<byte> encoded, DecodeOptions options, long reduceAbove)
    {
        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = Open(stream, encoded.Length, options);
        var size = Target(codec, reduceAbove);
        return (long)size.Width * size.Height;
    }

    /// <summary>
    /// Decodes; an image of more than <paramref name="reduceAbove"/> pixels is decoded at the smallest reduction its
    /// codec does natively (JPEG, WebP: 1/2, 1/4, 1/8) that brings it within, which costs a fraction of the memory and
    /// time; other formats come whole. Also returns the upright size of the full image, for coordinates. The pixels are
    /// lent by <paramref name="pool"/> when there is one (the caller returns them with <see cref="RgbImage.Return"/>),
    /// else the caller's own.
    /// </summary>
    internal static (RgbImage Image, int SourceWidth, int SourceHeight) Decode(ReadOnlySpan<byte> encoded, DecodeOptions options, long reduceAbove, PixelPool? pool)
    {
        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = Open(stream, encoded.Length, options);
        var size = Target(codec, reduceAbove);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var image = RgbImage.Create(info.Width, info.Height, pool);
        try
        {
            var result = DecodeInStrips(codec, info, image.Pixels) ?? DecodeWhole(codec, info, image.Pixels);
            switch (result)
            {
                case SKCodecResult.Success:
                    break;
                case SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput when !options.AllowPartial:
                    throw new ImageDecodeException("the image is truncated or corrupt: its data ends before the last row.");
                case SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput:
                    break;
                default:
                    throw new ImageDecodeException($"the image could not be decoded ({result}).");
            }

            image = Orientation.Apply(image, codec.EncodedOrigin, pool);
        }
        catch
        {
            image.Return();   // refused: nobody else has the pixels
            throw;
        }

        bool turned = image.Width != info.Width;
        return (image, turned ? codec.Info.Height : codec.Info.Width, turned ? codec.Info.Width : codec.Info.Height);
    }

    /// <summary>The size to decode at: the full size, or the codec's least native reduction within <paramref name="reduceAbove"/> pixels.</summary>
    private static SKSizeI Target(SKCodec codec, long reduceAbove)
    {
        var full = codec.Info.Size;
        var chosen = full;
        for (float scale = 0.5f; (long)chosen.Width * chosen.Height > reduceAbove && scale >= 0.125f; scale /= 2)
        {
            var reduced = codec.GetScaledDimensions(scale);
            if (reduced == chosen || reduced.Width <= 0 || reduced.Height <= 0)
            {
                break;   // the codec does not reduce (PNG, GIF, BMP), or not further
            }

            chosen = reduced;
        }

        return chosen;
    }

    /// <summary>Reads the header and applies the limits that come before any pixel is decoded.</summary>
    private static SKCodec Open(SKMemoryStream stream, int length, DecodeOptions options)
    {
        if (length == 0)
        {
            throw new ImageDecodeException("the file is empty (0 bytes).");
        }

        var codec = SKCodec.Create(stream, out var createResult) ?? throw new ImageDecodeException(createResult switch
        {
            SKCodecResult.IncompleteInput => "the image is truncated: its header is incomplete.",
            _ => "not an image in a supported format (JPEG, PNG, BMP, WebP, GIF).",
        });
        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
        {
            codec.Dispose();
            throw new ImageDecodeException("the image header declares no pixels.");
        }

        if (pixels > options.MaxPixels)
        {
            codec.Dispose();
            throw new ImageDecodeException(
                $"the image is {info.Width}x{info.Height} ({pixels:N0} pixels), over the limit of {options.MaxPixels:N0} pixels; refused before decoding.");
        }

        return codec;
    }

    /// <summary>
    /// Decodes a strip of rows at a time into a small RGBA buffer and packs it into <paramref name="rgb"/>, so a large
    /// photo costs its RGB bytes and no full-size RGBA copy beside them. Null when the codec cannot decode by rows
    /// (JPEG can; PNG and GIF cannot in this Skia build): then <see cref="DecodeWhole"/> does it.
    /// </summary>
    private static SKCodecResult? DecodeInStrips(SKCodec codec, SKImageInfo info, byte[] rgb)
    {
        if (codec.ScanlineOrder != SKCodecScanlineOrder.TopDown || codec.StartScanlineDecode(info) != SKCodecResult.Success)
        {
            return null;
        }

        // No more rows than the image has, and the strip rented: a new strip a decode was a large-object allocation
        // (1 MB even for a 150-pixel photo), and the collections it forced slowed the whole pipeline.
        int rows = Math.Clamp(StripBytes / info.RowBytes, 1, info.Height);
        var strip = ArrayPool<byte>.Shared.Rent(rows * info.RowBytes);
        try
        {
            for (int y = 0; y < info.Height; y += rows)
            {
                int want = Math.Min(rows, info.Height - y);
                int got;
                unsafe
                {
                    fixed (byte* p = strip)
                    {
                        got = codec.GetScanlines((IntPtr)p, want, info.RowBytes);
                    }
                }

                Pack(strip.AsSpan(0, want * info.RowBytes), rgb.AsSpan(y * info.Width * 3, want * info.Width * 3));
                if (got < want)
                {
                    // Skia filled this strip's missing rows; the rows below it stay black, not what a reused array held.
                    rgb.AsSpan((y + want) * info.Width * 3).Clear();
                    return SKCodecResult.IncompleteInput;   // the caller decides whether that is acceptable
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(strip);
        }

        return SKCodecResult.Success;
    }

    /// <summary>
    /// Decodes the whole image at once (the codecs that cannot go by rows: PNG in this Skia build, GIF) into an RGBA buffer
    /// outside the managed heap, freed as soon as it is packed: the collector never has to find a large dead array.
    /// </summary>
    private static unsafe SKCodecResult DecodeWhole(SKCodec codec, SKImageInfo info, byte[] rgb)
    {
        nuint bytes = checked((nuint)info.BytesSize64);
        byte* rgba = (byte*)NativeMemory.Alloc(bytes);
        try
        {
            var result = codec.GetPixels(info, (IntPtr)rgba);
            Pack(new ReadOnlySpan<byte>(rgba, checked((int)bytes)), rgb);
            return result;
        }
        finally
        {
            NativeMemory.Free(rgba);
        }
    }

    /// <summary>RGBA pixels to RGB: four pixels a step by one byte shuffle where the CPU has it (the loop alone was about a tenth of a decode).</summary>
    private static void Pack(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        int i = 0, j = 0;
        if (Ssse3.IsSupported)
        {
            // Each step writes 16 bytes of which the last 4 are overwritten by the next: stop while 16 still fit.
            var drop = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80);
            ref byte source = ref MemoryMarshal.GetReference(rgba), destination = ref MemoryMarshal.GetReference(rgb);
            for (; i + 16 <= rgb.Length && j + 16 <= rgba.Length; i += 12, j += 16)
            {
                Ssse3.Shuffle(Vector128.LoadUnsafe(ref source, (nuint)j), drop).StoreUnsafe(ref destination, (nuint)i);
            }
        }

        for (; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
    }

    /// <summary>About a megabyte of RGBA rows per strip: small beside any large photo, large enough to keep calls few.</summary>
    private const int StripBytes = 1 << 20;
}
