using System.Security.Cryptography;
using System.Text;
using ArcFaceKit.Gallery;

namespace ArcFaceKit.Server.Security;

/// <summary>
/// Issues and checks API keys. A token is "afk_{id}_{secret}" with a 256-bit random secret; the store keeps only the
/// SHA-256 of the token (a salt adds nothing to a secret of that entropy), so a leaked database gives no usable key.
/// </summary>
internal static class ApiKeys
{
    public const string Header = "X-Api-Key";
    private const string Prefix = "afk_";

    /// <summary>Creates a key, audited under <paramref name="actor"/>; the returned token is shown once and never stored.</summary>
    public static async Task<(StoredKey Key, string Token)> CreateAsync(IApiKeyStore store, string name, ApiScopes scopes, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (scopes == ApiScopes.None)
        {
            throw new ArgumentException("A key needs at least one scope (read, write, cameras).", nameof(scopes));
        }

        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string token = $"{Prefix}{id}_{Secrets.New()}";
        var key = new StoredKey(id, name, (int)scopes, Hash(token), DateTimeOffset.UtcNow, null);
        await store.AddKeyAsync(key, actor).ConfigureAwait(false);
        return (key, token);
    }

    /// <summary>The active key a token belongs to, or null for a malformed, unknown, wrong or revoked token.</summary>
    public static async Task<StoredKey?> AuthenticateAsync(IApiKeyStore store, string? token)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }

        int end = token.IndexOf('_', Prefix.Length);
        if (end < 0)
        {
            return null;
        }

        var key = await store.FindKeyAsync(token[Prefix.Length..end]).ConfigureAwait(false);
        if (key is null || !key.IsActive)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(key.SecretHash)) ? key : null;
    }

    public static ApiScopes ParseScopes(string text)
    {
        var scopes = ApiScopes.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            scopes |= part.ToLowerInvariant() switch
            {
                "read" => ApiScopes.Read,
                "write" => ApiScopes.Write,
                "cameras" => ApiScopes.Cameras,
                _ => throw new ArgumentException($"Unknown scope '{part}'; use read, write, cameras or a list such as read,write."),
            };
        }

        return scopes;
    }

    /// <summary>The scopes a stored key carries.</summary>
    public static ApiScopes ScopesOf(StoredKey key) => (ApiScopes)key.Scopes;

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
