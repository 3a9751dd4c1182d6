using System.Globalization;
using System.Text;

namespace ArcFaceKit.Gallery;

/// <summary>
/// The one rule for subject names, so every gallery and every front end accepts the same ones: a name is stored in
/// Unicode normal form C (so look-alike spellings are one subject), and names a URL cannot address or a reader cannot
/// see are refused: "." and "..", slashes, control characters, bidirectional overrides and invisible (zero-width) ones.
/// </summary>
internal static class SubjectNames
{
    public const int MaxLength = 200;

    /// <summary>The name as stored (NFC), or a refusal that says why.</summary>
    public static string Check(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new GalleryException(GalleryError.Invalid, "A subject name must not be empty.");
        }

        string normal;
        try
        {
            normal = name.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException e)
        {
            throw new GalleryException(GalleryError.Invalid, "A subject name must be valid Unicode text.", e);
        }

        if (normal is "." or ".." || normal.Length > MaxLength || normal.Contains('/', StringComparison.Ordinal) || normal != normal.Trim()
            || normal.Any(Invisible))
        {
            throw new GalleryException(GalleryError.Invalid,
                $"A subject name has at most {MaxLength} characters, is not '.' or '..', and has no slash, no leading or trailing spaces, and no control, " +
                "bidirectional or invisible characters (it is part of URLs and must read as what it is).");
        }

        return normal;
    }

    /// <summary>Whether <see cref="Check"/> accepts the name as it is (stored names of earlier versions may not pass).</summary>
    public static bool IsAllowed(string name)
    {
        try
        {
            return Check(name) == name;
        }
        catch (GalleryException)
        {
            return false;
        }
    }

    /// <summary>
    /// A name to look a subject up by: its NFC form, without refusing anything, so that a subject stored under a name
    /// today's rule would refuse (by an earlier version) can still be found and erased.
    /// </summary>
    public static string Lookup(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            return name.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return name;
        }
    }

    /// <summary>Control characters, format characters (bidirectional overrides and isolates, zero-width joiners and spaces) and the like.</summary>
    private static bool Invisible(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
