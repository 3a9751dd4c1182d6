namespace ArcFaceKit.Detection;

/// <summary>Which of the faces found in an image are kept: chosen once, after detection, by the pipeline.</summary>
public enum FaceSelection
{
    /// <summary>Every face, best score first.</summary>
    All,

    /// <summary>Only the face with the largest box.</summary>
    Largest,

    /// <summary>Only the face whose box centre is nearest the image centre (portraits, LFW).</summary>
    MostCentral,

    /// <summary>The one face of a photo that must have exactly one: several are refused (enrolment's default).</summary>
    Single,
}
