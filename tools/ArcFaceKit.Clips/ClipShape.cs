namespace ArcFaceKit.Clips;

/// <summary>What a clip's script is asked for before the script is drawn: its name, seed, size, rate and length in frames.</summary>
internal sealed record ClipShape(string Name, int Seed, int Width, int Height, int Fps, int Frames);
