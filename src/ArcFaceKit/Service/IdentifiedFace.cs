using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Service;

/// <summary>One subject proposed for a face, and whether it passes the threshold.</summary>
public sealed record IdentityCandidate(SubjectMatch Match, bool Accepted);

/// <summary>A face of a 1:N query with its candidates, best first; <see cref="Identity"/> is the best one if accepted.</summary>
public sealed record IdentifiedFace(FaceRecord Face, IReadOnlyList<IdentityCandidate> Candidates, SimilarityThreshold Threshold)
{
    public string? Identity => Candidates.Count > 0 && Candidates[0].Accepted ? Candidates[0].Match.Subject : null;

    /// <summary>Where the face was kept among the unnamed faces (<see cref="IdentifyOptions.CollectUnknownAs"/>), or null.</summary>
    public GroupFace? Collected { get; init; }
}
