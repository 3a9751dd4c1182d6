using ArcFaceKit.Server.Security;

namespace ArcFaceKit.Server.Storage;

/// <summary>An API key as stored: never the secret, only its SHA-256.</summary>
public sealed record StoredKey(string Id, string Name, ApiScopes Scopes, string SecretHash, DateTimeOffset CreatedUtc, DateTimeOffset? RevokedUtc)
{
    public bool IsActive => RevokedUtc is null;
}
