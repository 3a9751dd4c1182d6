namespace ArcFaceKit.Alignment;

/// <summary>A 2x3 affine matrix mapping source (image) points to destination (crop) points: [A00 A01 A02; A10 A11 A12].</summary>
public readonly record struct AffineMatrix(double A00, double A01, double A02, double A10, double A11, double A12)
{
    internal (double X, double Y) Apply(double x, double y) => ((A00 * x) + (A01 * y) + A02, (A10 * x) + (A11 * y) + A12);

    public AffineMatrix Invert()
    {
        double det = (A00 * A11) - (A01 * A10);
        if (Math.Abs(det) < 1e-12)
        {
            throw new InvalidOperationException("The affine matrix is singular.");
        }

        double i00 = A11 / det, i01 = -A01 / det, i10 = -A10 / det, i11 = A00 / det;
        return new AffineMatrix(i00, i01, -((i00 * A02) + (i01 * A12)), i10, i11, -((i10 * A02) + (i11 * A12)));
    }

    public double[][] ToArray() => [[A00, A01, A02], [A10, A11, A12]];
}
