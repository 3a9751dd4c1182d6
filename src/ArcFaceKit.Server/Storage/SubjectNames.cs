namespace ArcFaceKit.Server.Storage;

/// <summary>The one rule for subject names, so both stores and the API refuse the same ones.</summary>
public static class SubjectNames
{
    public const int MaxLength = 200;

    public static string Check(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new StoreException(StoreError.Invalid, "A subject name must not be empty.");
        }

        if (name.Length > MaxLength || name.Any(char.IsControl) || name.Contains('/', StringComparison.Ordinal) || name != name.Trim())
        {
            throw new StoreException(StoreError.Invalid, $"A subject name has at most {MaxLength} characters, no control characters, no slash and no leading or trailing spaces (it is part of URLs).");
        }

        return name;
    }
}
