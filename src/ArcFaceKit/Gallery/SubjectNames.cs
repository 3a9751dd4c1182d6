namespace ArcFaceKit.Gallery;

/// <summary>The one rule for subject names, so every gallery and every front end refuses the same ones.</summary>
public static class SubjectNames
{
    public const int MaxLength = 200;

    public static string Check(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new GalleryException(GalleryError.Invalid, "A subject name must not be empty.");
        }

        if (name.Length > MaxLength || name.Any(char.IsControl) || name.Contains('/', StringComparison.Ordinal) || name != name.Trim())
        {
            throw new GalleryException(GalleryError.Invalid, $"A subject name has at most {MaxLength} characters, no control characters, no slash and no leading or trailing spaces (it is part of URLs).");
        }

        return name;
    }
}
