using ArcFaceKit.Imaging;
using SkiaSharp;

namespace ArcFaceKit.Tests;

public class OrientationTests
{
    // A 3x2 image whose pixel values are their index, so every mapping is visible.
    private static RgbImage Sample() => new(3, 2, [.. Enumerable.Range(0, 6).SelectMany(i => new[] { (byte)i, (byte)i, (byte)i })]);

    private static byte[] Values(RgbImage img) => [.. img.Pixels.Where((_, i) => i % 3 == 0)];

    [Theory]
    [InlineData(SKEncodedOrigin.TopLeft, 3, 2, new byte[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData(SKEncodedOrigin.TopRight, 3, 2, new byte[] { 2, 1, 0, 5, 4, 3 })]
    [InlineData(SKEncodedOrigin.BottomRight, 3, 2, new byte[] { 5, 4, 3, 2, 1, 0 })]
    [InlineData(SKEncodedOrigin.BottomLeft, 3, 2, new byte[] { 3, 4, 5, 0, 1, 2 })]
    [InlineData(SKEncodedOrigin.LeftTop, 2, 3, new byte[] { 0, 3, 1, 4, 2, 5 })]
    [InlineData(SKEncodedOrigin.RightTop, 2, 3, new byte[] { 3, 0, 4, 1, 5, 2 })]
    [InlineData(SKEncodedOrigin.RightBottom, 2, 3, new byte[] { 5, 2, 4, 1, 3, 0 })]
    [InlineData(SKEncodedOrigin.LeftBottom, 2, 3, new byte[] { 2, 5, 1, 4, 0, 3 })]
    public void Every_exif_orientation_maps_pixels_upright(SKEncodedOrigin origin, int width, int height, byte[] expected)
    {
        var result = Orientation.Apply(Sample(), origin, pool: null);
        Assert.Equal((width, height), (result.Width, result.Height));
        Assert.Equal(expected, Values(result));
    }
}
