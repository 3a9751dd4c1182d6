namespace ArcFaceKit.Evaluation;

/// <summary>One View 2 pair: two image file names, whether they show the same person, and its fold (0..9).</summary>
public sealed record LfwPair(string Image1, string Image2, bool Same, int Fold);
