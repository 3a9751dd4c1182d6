namespace ArcFaceKit.Imaging;

/// <summary>
/// Where a detector's input puts a photo: scaled to <see cref="Width"/> x <see cref="Height"/> at the top-left of a
/// black <see cref="CanvasWidth"/> x <see cref="CanvasHeight"/> canvas (padding right and bottom).
/// </summary>
internal readonly record struct CanvasPlacement(int Width, int Height, int CanvasWidth, int CanvasHeight)
{
    /// <summary>A photo scaled to fit the canvas, keeping its aspect (up or down).</summary>
    public static CanvasPlacement Fit(RgbImage image, int canvasWidth, int canvasHeight)
    {
        float scale = Math.Min((float)canvasWidth / image.Width, (float)canvasHeight / image.Height);
        int w = Math.Clamp((int)MathF.Round(image.Width * scale), 1, canvasWidth);
        int h = Math.Clamp((int)MathF.Round(image.Height * scale), 1, canvasHeight);
        return new CanvasPlacement(w, h, canvasWidth, canvasHeight);
    }

    /// <summary>Input pixels a photo pixel, across and down: divide input coordinates by these for the photo's.</summary>
    public (float X, float Y) ScaleOf(RgbImage image) => ((float)Width / image.Width, (float)Height / image.Height);
}
