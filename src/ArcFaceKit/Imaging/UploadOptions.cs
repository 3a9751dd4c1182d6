namespace ArcFaceKit.Imaging;

/// <summary>Limits on decoding uploads (<see cref="UploadDecoder"/>): the largest photo, and the pixels held at once.</summary>
public sealed record UploadOptions
{
    /// <summary>Images whose header declares more pixels than this are refused before decoding.</summary>
    public long MaxPixels { get; init; } = DecodeOptions.DefaultMaxPixels;

    /// <summary>
    /// Budget of decoded pixels held at once: 3 bytes each while held, up to 7 while a PNG decodes; their arrays are
    /// kept for the next photos of the same size, up to the budget. Decoding waits until a photo fits; at least twice
    /// <see cref="MaxPixels"/> (a verification holds two photos). Default <see cref="DefaultMaxDecodedPixels"/>;
    /// docs/server.md gives the measured memory ceiling.
    /// </summary>
    public long MaxDecodedPixels { get; init; } = DefaultMaxDecodedPixels;

    /// <summary>
    /// 100 megapixels: two photos of the largest default size. Measured with `bench decode-memory` (docs/server.md):
    /// bursts of 40 uploads of a 49 MP PNG at once peaked the server at under 1 GB with it and over 10 GB with no
    /// budget (150 MP gained no speed).
    /// </summary>
    public const long DefaultMaxDecodedPixels = 100_000_000;

    /// <summary>
    /// Uploads of more pixels than this are decoded at their codec's reduced scale where it has one (JPEG, WebP: 1/2,
    /// 1/4, 1/8), the least that fits. Default 16 MP (4,000 x 4,000): the detector sees a 640-pixel version of any photo,
    /// so detection is unchanged; faces are aligned from the reduced pixels, still over 112 pixels for any face a
    /// 640-pixel detector finds.
    /// </summary>
    public long MaxFullScalePixels { get; init; } = 16_000_000;

    /// <summary>Uploads that may wait for their pixels; one more is refused at once.</summary>
    public int MaxQueued { get; init; } = 64;

    public static UploadOptions Default { get; } = new();
}
