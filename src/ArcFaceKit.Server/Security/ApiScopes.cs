namespace ArcFaceKit.Server.Security;

/// <summary>What an API key may do: read (detect, embed, verify, recognize, list) and write (enroll, rename, delete).</summary>
[Flags]
public enum ApiScopes
{
    None = 0,
    Read = 1,
    Write = 2,
}
