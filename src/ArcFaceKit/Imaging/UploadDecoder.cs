using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Imaging;

/// <summary>
/// Decodes uploads under a budget of decoded pixels shared by every caller, so that many large photos at once cannot
/// take more memory than that budget; the pixel count comes from the header, before anything is decoded. Large photos
/// are decoded at reduced scale (<see cref="UploadOptions.MaxFullScalePixels"/>). The pixels of budgeted decodes are
/// lent from a pool as large as the budget and reused by the next photo of the same size. Thread-safe: share one.
/// </summary>
public sealed class UploadDecoder
{
    private readonly DecodeOptions _decode;
    private readonly PixelBudget _budget;
    private readonly PixelPool _pool;

    public UploadDecoder(UploadOptions? options = null)
    {
        Options = options ?? UploadOptions.Default;
        if (Options.MaxDecodedPixels < 2 * Options.MaxPixels)
        {
            throw new ArgumentException($"The decoding budget ({Options.MaxDecodedPixels:N0} pixels) must hold two photos of the largest size ({Options.MaxPixels:N0} pixels): a verification decodes two.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxQueued);
        _decode = new DecodeOptions { MaxPixels = Options.MaxPixels };
        _budget = new PixelBudget(Options.MaxDecodedPixels, Options.MaxQueued);
        _pool = new PixelPool(Options.MaxDecodedPixels);
    }

    public UploadOptions Options { get; }

    /// <summary>
    /// Decodes an upload once its pixels fit in the budget (waiting in line until they do); dispose the result to give
    /// them back (its image's pixels are unusable from then on). <see cref="ServiceBusyException"/> when the line is full; <see cref="ImageDecodeException"/> for a file
    /// that is not a readable image or is over the pixel limit.
    /// </summary>
    public async Task<DecodedImage> DecodeAsync(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken = default)
    {
        long pixels = ImageDecoder.MeasurePixels(encoded.Span, _decode, Options.MaxFullScalePixels);
        var share = await _budget.TryTakeAsync(pixels, cancellationToken).ConfigureAwait(false)
            ?? throw new ServiceBusyException($"Too many large photos are being decoded or waiting (budget {Options.MaxDecodedPixels:N0} pixels); retry in a moment.");
        try
        {
            var (image, width, height) = ImageDecoder.Decode(encoded.Span, _decode, Options.MaxFullScalePixels, _pool);
            return new DecodedImage(image, width, height, share);
        }
        catch
        {
            share.Dispose();
            throw;
        }
    }

    /// <summary>Decodes an upload under the pixel limit (EXIF orientation applied), outside the budget.</summary>
    public RgbImage Decode(ReadOnlySpan<byte> encoded) => ImageDecoder.Decode(encoded, _decode);
}
