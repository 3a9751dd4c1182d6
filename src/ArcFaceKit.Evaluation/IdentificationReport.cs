namespace ArcFaceKit.Evaluation;

/// <summary>
/// Closed-set identification with distractors: the share of probes whose own identity's gallery photo is the most
/// similar entry (rank 1) or among the five most similar (rank 5), searching the gallery plus the distractors.
/// </summary>
public sealed record IdentificationReport(int Probes, int GalleryIdentities, int Distractors, double Rank1, double Rank5, int ProbesWithoutFace, int IdentitiesWithoutGalleryFace);
