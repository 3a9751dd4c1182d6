namespace ArcFaceKit.Server.Storage;

/// <summary>API keys as stored (hashes only); issuing and checking tokens is <see cref="Security.ApiKeys"/>'s job.</summary>
public interface IKeyStore
{
    void AddKey(StoredKey key);

    StoredKey? FindKey(string id);

    /// <summary>Marks a key revoked. False when there is no active key with that id.</summary>
    bool RevokeKey(string id);

    IReadOnlyList<StoredKey> ListKeys();
}
