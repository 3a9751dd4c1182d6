namespace ArcFaceKit.Service;

/// <summary>What to do when an operation needs one face and the photo has several.</summary>
public enum SingleFacePolicy
{
    /// <summary>Refuse the photo (enrolment's default: the wrong person must not be enrolled).</summary>
    Refuse,

    /// <summary>Take the face with the largest box.</summary>
    Largest,

    /// <summary>Take the face whose box centre is nearest the image centre (portraits, LFW).</summary>
    Central,
}
