namespace ArcFaceKit.Clips;

/// <summary>From <paramref name="Frame"/> on, the person is drawn from clip photo <paramref name="Photo"/> (an index into the person's photos): "turning away" shows another photo of the same person.</summary>
internal sealed record PhotoSwitch(int Frame, int Photo);
