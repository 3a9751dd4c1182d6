using ArcFaceKit.Imaging;

namespace ArcFaceKit.Video;

/// <summary>
/// Tells a scene cut from the frames' pixels: a 32x18 grey thumbnail (area averages) whose mean absolute difference from
/// the previous frame's is above the limit. Motion and lighting drift move it little; a cut replaces every cell.
/// </summary>
internal sealed class SceneCuts(float limit)
{
    private const int Columns = 32, Rows = 18;
    private float[]? _previous;

    public bool IsCut(RgbImage image)
    {
        if (limit <= 0)
        {
            return false;
        }

        var thumbnail = Thumbnail(image);
        var previous = _previous;
        _previous = thumbnail;
        if (previous is null)
        {
            return false;
        }

        float total = 0;
        for (int i = 0; i < thumbnail.Length; i++)
        {
            total += Math.Abs(thumbnail[i] - previous[i]);
        }

        return total / thumbnail.Length > limit;
    }

    private static float[] Thumbnail(RgbImage image)
    {
        var cells = new float[Columns * Rows];
        var counts = new int[Columns * Rows];
        var pixels = image.Pixels;
        int width = image.Width, height = image.Height;

        // Every other row and column: the averages barely change, at a quarter of the reads.
        for (int y = 0; y < height; y += 2)
        {
            int row = y * Rows / height * Columns;
            for (int x = 0; x < width; x += 2)
            {
                int p = 3 * ((y * width) + x);
                int cell = row + (x * Columns / width);
                cells[cell] += (0.299f * pixels[p]) + (0.587f * pixels[p + 1]) + (0.114f * pixels[p + 2]);
                counts[cell]++;
            }
        }

        for (int i = 0; i < cells.Length; i++)
        {
            cells[i] /= Math.Max(counts[i], 1);
        }

        return cells;
    }
}
