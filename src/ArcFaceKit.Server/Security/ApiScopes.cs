namespace ArcFaceKit.Server.Security;

/// <summary>
/// What an API key may do: read (detect, embed, verify, recognize, list), write (enroll, rename, delete) and cameras
/// (add, list, change and remove cameras, their events and snapshots).
/// </summary>
[Flags]
public enum ApiScopes
{
    None = 0,
    Read = 1,
    Write = 2,
    Cameras = 4,
}
