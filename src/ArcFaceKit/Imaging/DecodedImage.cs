namespace ArcFaceKit.Imaging;

/// <summary>
/// A decoded upload that holds its share of the service's budget of decoded pixels until disposed: dispose it when the
/// request that decoded it is done with the image. It owns the image's pixels, lent by its <see cref="UploadDecoder"/>:
/// disposing gives them back for the next photo, and the image's <see cref="RgbImage.Pixels"/> throws
/// <see cref="ObjectDisposedException"/> from then on.
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
        Image.Return();   // before the share, so the budget counts the pixels until they are back in the pool
        _share.Dispose();
    }
}
