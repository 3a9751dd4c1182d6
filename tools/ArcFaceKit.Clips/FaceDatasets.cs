using System.Text.RegularExpressions;

namespace ArcFaceKit.Clips;

/// <summary>
/// The identities a clip set draws from: LFW View 2 (images/Name_NNNN.jpg, one flat folder) and the CelebA subset
/// (identities.txt). Only identities with at least <see cref="MinPhotos"/> photos: two or more go into a clip and two
/// or more stay out of every clip, to be enrolled by a later evaluation.
/// </summary>
internal static partial class FaceDatasets
{
    public const int MinPhotos = 4;

    public static IReadOnlyList<DatasetPerson> Load(string sharedRoot, string dataset) => dataset switch
    {
        "lfw" => Lfw(Path.Combine(sharedRoot, "datasets", "lfw-view2", "images")),
        "celeba" => CelebA(Path.Combine(sharedRoot, "datasets", "celeba-299")),
        _ => throw new ArgumentException($"Unknown dataset '{dataset}' (lfw or celeba).", nameof(dataset)),
    };

    private static List<DatasetPerson> Lfw(string images)
    {
        // Ordinal sorting: the same order on every machine, so a seed draws the same people.
        var files = Directory.EnumerateFiles(images, "*.jpg").Order(StringComparer.Ordinal);
        return [.. files.GroupBy(f => LfwName().Match(Path.GetFileName(f)) is { Success: true } m ? m.Groups[1].Value : "")
            .Where(g => g.Key.Length > 0 && g.Count() >= MinPhotos)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DatasetPerson("lfw", g.Key, [.. g]))];
    }

    private static List<DatasetPerson> CelebA(string root)
    {
        var byIdentity = new SortedDictionary<int, List<string>>();
        foreach (string line in File.ReadLines(Path.Combine(root, "identities.txt")).Skip(1))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 2 && int.TryParse(f[1], System.Globalization.CultureInfo.InvariantCulture, out int id))
            {
                if (!byIdentity.TryGetValue(id, out var photos))
                {
                    byIdentity[id] = photos = [];
                }

                photos.Add(Path.Combine(root, "images", f[0]));
            }
        }

        return [.. byIdentity.Where(p => p.Value.Count >= MinPhotos)
            .Select(p => new DatasetPerson("celeba", p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), [.. p.Value.Order(StringComparer.Ordinal)]))];
    }

    [GeneratedRegex(@"^(.+)_\d{4}\.jpg$")]
    private static partial Regex LfwName();
}
