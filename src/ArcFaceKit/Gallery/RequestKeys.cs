namespace ArcFaceKit.Gallery;

/// <summary>
/// Request keys make an enrolment safe to retry: a write carrying a key its caller used in the last
/// <see cref="KeptFor"/> adds nothing and returns what the first one added (as HTTP's Idempotency-Key).
/// Keys belong to the caller (an API key id, or "cli"), so two callers cannot collide.
/// </summary>
internal static class RequestKeys
{
    /// <summary>How long a key is remembered: a day covers any client's retries.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    public const int MaxLength = 255;

    /// <summary>Refuses keys that are empty, too long or not printable ASCII (they travel in an HTTP header).</summary>
    public static string Check(string requestKey)
    {
        ArgumentNullException.ThrowIfNull(requestKey);
        if (requestKey.Length is 0 or > MaxLength || requestKey.Any(c => c is < '!' or > '~'))
        {
            throw new GalleryException(GalleryError.Invalid, $"A request key is 1 to {MaxLength} printable ASCII characters without spaces.");
        }

        return requestKey;
    }

    /// <summary>The earlier result, when it was for the same subject; reusing a key for another subject is a conflict.</summary>
    public static AddedFaces Replay(AddedFaces before, string subject) =>
        before.Faces.Count == 0 || before.Faces[0].Subject == subject
            ? before
            : throw new GalleryException(GalleryError.Conflict, $"This request key was used to enroll another subject; use a new key for each enrolment.");
}
