using ArcFaceKit.Imaging;

namespace ArcFaceKit.Imaging;

/// <summary>
/// A decoded upload that holds its share of the service's budget of decoded pixels until disposed: dispose it when the
/// request that decoded it is done with the image.
/// </summary>
public sealed class DecodedImage : IDisposable
{
    private readonly IDisposable _share;

    internal DecodedImage(RgbImage image, int sourceWidth, int sourceHeight, IDisposable share)
    {
        Image = image;
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        _share = share;
    }

    /// <summary>The pixels, upright; smaller than the photo when it was decoded at reduced scale (see <see cref="Scale"/>).</summary>
    public RgbImage Image { get; }

    /// <summary>The photo's own size, upright.</summary>
    public int SourceWidth { get; }

    public int SourceHeight { get; }

    /// <summary>Photo pixels per decoded pixel (1 unless reduced): multiply coordinates found in <see cref="Image"/> by it.</summary>
    public float Scale => (float)SourceWidth / Image.Width;

    public void Dispose()
    {
        _share.Dispose();
        if (Image.Pixels.Length >= LargeBytes)
        {
            // A large photo's pixels are one large-object-heap array, freed only by a full collection, which the GC puts
            // off while memory looks plentiful: without this, bursts of big photos grew the server by gigabytes
            // (bench decode-memory) although the budget kept few alive at once. A background collection costs little
            // beside decoding such a photo.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
        }
    }

    /// <summary>About 8 megapixels of RGB: photos from here up are worth a collection when let go.</summary>
    private const int LargeBytes = 24_000_000;
}
