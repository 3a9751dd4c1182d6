namespace ArcFaceKit.Clips;

/// <summary>
/// The background: a corner crop (<paramref name="CropX"/>, <paramref name="CropY"/>, <paramref name="CropSize"/>, as
/// fractions of the photo) of a photo, mirrored or not, enlarged past the frame and blurred until no face is left in
/// it, drifting by (<paramref name="DriftX"/>, <paramref name="DriftY"/>) frame widths and heights over the clip, like a slow pan.
/// </summary>
internal sealed record BackgroundPlan(string Photo, float CropX, float CropY, float CropSize, bool Mirror, float DriftX, float DriftY);
