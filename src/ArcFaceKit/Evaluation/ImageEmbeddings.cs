using ArcFaceKit.Detection;
using ArcFaceKit.Service;

namespace ArcFaceKit.Evaluation;

/// <summary>One embedding per image file for evaluations: the face nearest the image centre, or null when none was found.</summary>
public static class ImageEmbeddings
{
    public static Dictionary<string, float[]?> Compute(FaceService service, IReadOnlyList<string> paths, IProgress<int>? progress = null, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(paths);
        var embeddings = new Dictionary<string, float[]?>(paths.Count);
        for (int start = 0; start < paths.Count; start += batchSize)
        {
            var chunk = paths.Skip(start).Take(batchSize).ToList();
            var results = service.AnalyzeBatchAsync([.. chunk.Select(service.DecodeFile)], FaceSelection.MostCentral).GetAwaiter().GetResult();
            for (int i = 0; i < chunk.Count; i++)
            {
                embeddings[chunk[i]] = results[i].Count > 0 ? results[i][0].Embedding : null;
            }

            progress?.Report(Math.Min(start + batchSize, paths.Count));
        }

        return embeddings;
    }
}
