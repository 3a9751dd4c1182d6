namespace ArcFaceKit.Clips;

/// <summary>
/// The sprite's feathered ellipse: opaque inside <see cref="OpaqueRadius"/> of the ellipse's normalised radius, fading
/// with a smoothstep to transparent at 1. The smoothstep is symmetric, so the mask is exactly half opaque half-way
/// (<see cref="HalfOpaqueRadius"/>): that is the edge the ground truth counts as hiding what is behind.
/// </summary>
internal static class SpriteMask
{
    public const float OpaqueRadius = 0.75f;

    public const float HalfOpaqueRadius = (OpaqueRadius + 1f) / 2f;

    public static float Alpha(float radius)
    {
        if (radius <= OpaqueRadius)
        {
            return 1f;
        }

        if (radius >= 1f)
        {
            return 0f;
        }

        float t = (1f - radius) / (1f - OpaqueRadius);
        return t * t * (3f - (2f * t));
    }
}
