using ArcFaceKit.Detection;

namespace ArcFaceKit.Alignment;

/// <summary>
/// Least-squares 4-DOF similarity (rotation, uniform scale, translation) from source to destination points:
/// Umeyama's estimate, which for 2-D points has this closed form (skimage SimilarityTransform.estimate gives the same).
/// </summary>
internal static class SimilarityTransform
{
    public static AffineMatrix Estimate(IReadOnlyList<FacePoint> source, IReadOnlyList<FacePoint> destination)
    {
        if (source.Count != destination.Count || source.Count < 2)
        {
            throw new ArgumentException("Need the same number (at least two) of source and destination points.");
        }

        int n = source.Count;
        double sx = 0, sy = 0, dx = 0, dy = 0;
        for (int i = 0; i < n; i++)
        {
            sx += source[i].X;
            sy += source[i].Y;
            dx += destination[i].X;
            dy += destination[i].Y;
        }

        sx /= n;
        sy /= n;
        dx /= n;
        dy /= n;
        double dot = 0, cross = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            double x = source[i].X - sx, y = source[i].Y - sy;
            double u = destination[i].X - dx, v = destination[i].Y - dy;
            dot += (x * u) + (y * v);
            cross += (x * v) - (y * u);
            norm += (x * x) + (y * y);
        }

        if (norm < 1e-12)
        {
            throw new ArgumentException("Source points coincide; no transform exists.");
        }

        double a = dot / norm, b = cross / norm;
        return new AffineMatrix(a, -b, dx - ((a * sx) - (b * sy)), b, a, dy - ((b * sx) + (a * sy)));
    }
}
