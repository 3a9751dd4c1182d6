namespace ArcFaceKit.Detection;

/// <summary>Which faces a detector returns.</summary>
public enum FaceSelection
{
    /// <summary>Every face, best score first.</summary>
    All,

    /// <summary>Only the face with the largest box.</summary>
    Largest,

    /// <summary>Only the face whose box centre is nearest the image centre (portraits, LFW).</summary>
    MostCentral,
}
