using ArcFaceKit.Imaging;
using SkiaSharp;

namespace ArcFaceKit.Reports;

/// <summary>Face crops laid out in a grid with a caption under each, for people to check a clustering at a glance.</summary>
public static class ContactSheet
{
    private const int Caption = 16;

    /// <summary>One tile per face (crops of one size), <paramref name="columns"/> a row, a title line on top.</summary>
    public static void WritePng(IReadOnlyList<(RgbImage Face, string Caption)> tiles, string title, string path, int columns = 8)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        int tile = tiles.Count > 0 ? tiles[0].Face.Width : 112;
        int cols = Math.Max(1, Math.Min(columns, tiles.Count));
        int rows = (tiles.Count + cols - 1) / cols;
        int header = 24, cellHeight = tile + Caption;
        var info = new SKImageInfo(cols * tile, header + (rows * cellHeight), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var titleFont = new SKFont(Fonts.Sans, 15);
        using var captionFont = new SKFont(Fonts.Sans, 11);
        canvas.DrawText(title, 4, 17, SKTextAlign.Left, titleFont, text);
        for (int i = 0; i < tiles.Count; i++)
        {
            int x = i % cols * tile, y = header + (i / cols * cellHeight);
            using var bitmap = ImageEncoder.ToBitmap(tiles[i].Face);
            using var image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, new SKRect(x, y, x + tile, y + tile), new SKSamplingOptions(SKFilterMode.Linear));
            canvas.DrawText(Fit(tiles[i].Caption, captionFont, tile - 4), x + 2, y + tile + 12, SKTextAlign.Left, captionFont, text);
        }

        ImageEncoder.WritePng(surface, path);
    }

    private static string Fit(string caption, SKFont font, float width)
    {
        if (font.MeasureText(caption) <= width)
        {
            return caption;
        }

        // Keep the end: file names differ most at the end.
        for (int skip = 1; skip < caption.Length; skip++)
        {
            string cut = "…" + caption[skip..];
            if (font.MeasureText(cut) <= width)
            {
                return cut;
            }
        }

        return "";
    }
}
