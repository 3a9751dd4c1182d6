namespace ArcFaceKit.Imaging;

/// <summary>Limits applied before any pixel is decoded.</summary>
public sealed record DecodeOptions
{
    /// <summary>Default pixel limit: 50 megapixels, above any phone camera, far below a decompression bomb.</summary>
    public const long DefaultMaxPixels = 50_000_000;

    /// <summary>Images whose header declares more pixels than this are refused.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>A truncated file whose decoder delivered part of the rows is accepted when true (missing rows stay black).</summary>
    public bool AllowPartial { get; init; }

    public static DecodeOptions Default { get; } = new();
}
