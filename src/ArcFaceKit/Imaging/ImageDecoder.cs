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

    public static RgbImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions? options = null)
    {
        options ??= DecodeOptions.Default;
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException("the file is empty (0 bytes).");
        }

        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var createResult);
        if (codec is null)
        {
            throw new ImageDecodeException(createResult switch
            {
                SKCodecResult.IncompleteInput => "the image is truncated: its header is incomplete.",
                _ => "not an image in a supported format (JPEG, PNG, BMP, WebP, GIF).",
            });
        }

        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageDecodeException("the image header declares no pixels.");
        }

        if (pixels > options.MaxPixels)
        {
            throw new ImageDecodeException(
                $"the image is {info.Width}x{info.Height} ({pixels:N0} pixels), over the limit of {options.MaxPixels:N0} pixels; refused before decoding.");
        }

        var rgbaInfo = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[checked(rgbaInfo.BytesSize)];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = rgba)
            {
                result = codec.GetPixels(rgbaInfo, (IntPtr)p);
            }
        }

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

        var rgb = new byte[info.Width * info.Height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }

        return Orientation.Apply(new RgbImage(info.Width, info.Height, rgb), codec.EncodedOrigin);
    }
}
