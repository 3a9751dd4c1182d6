namespace ArcFaceKit.Clips;

/// <summary>
/// Everything a clip is made of, decided from its seed before a pixel is drawn: size, rate, length, degradations,
/// background and people. The renderer and the ground truth both read the poses from it (<see cref="ClipScene"/>),
/// so the boxes are where the faces are drawn.
/// </summary>
internal sealed record ClipScript(string Name, int Seed, int Width, int Height, int Fps, int Frames, ClipEffects Effects, BackgroundPlan Background, IReadOnlyList<ScriptPerson> People)
{
    public double Seconds => Frames / (double)Fps;
}
