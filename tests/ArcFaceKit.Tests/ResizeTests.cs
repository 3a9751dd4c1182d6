using ArcFaceKit.Imaging;

namespace ArcFaceKit.Tests;

/// <summary>RgbImage.Resize follows cv2.resize INTER_LINEAR (pixel centres aligned, 11-bit fixed point).</summary>
public class ResizeTests
{
    [Fact]
    public void Halving_averages_each_two_by_two_block()
    {
        var src = new RgbImage(4, 2, [.. Enumerable.Range(0, 8).SelectMany(i => new[] { (byte)(i * 10), (byte)(i * 10), (byte)(i * 10) })]);
        var half = src.Resize(2, 1);
        // Blocks (0,10,40,50) and (20,30,60,70): means 25 and 45.
        Assert.Equal(new byte[] { 25, 25, 25, 45, 45, 45 }, half.Pixels);
    }

    [Fact]
    public void Doubling_interpolates_at_quarter_positions_and_clamps_at_the_border()
    {
        var src = new RgbImage(2, 1, [0, 0, 0, 200, 200, 200]);
        var twice = src.Resize(4, 1);
        // Destination centres map to -0.25, 0.25, 0.75, 1.25: clamped, 1/4, 3/4, clamped.
        Assert.Equal(new byte[] { 0, 50, 150, 200 }, twice.Pixels.Where((_, i) => i % 3 == 0).ToArray());
    }

    [Fact]
    public void Same_size_returns_the_image_itself()
    {
        var src = new RgbImage(3, 3);
        Assert.Same(src, src.Resize(3, 3));
    }
}
