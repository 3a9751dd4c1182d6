using ArcFaceKit.Detection;
using ArcFaceKit.Quality;
using ArcFaceKit.Service;

namespace ArcFaceKit.Evaluation;

/// <summary>One embedding per image file for evaluations: the face nearest the image centre, or null when none was found.</summary>
public static class ImageEmbeddings
{
    public static Dictionary<string, float[]?> Compute(FaceService service, IReadOnlyList<string> paths, IProgress<int>? progress = null, int batchSize = 16) =>
        ComputeRated(service, paths, progress, batchSize).ToDictionary(kv => kv.Key, kv => kv.Value?.Embedding);

    /// <summary>As <see cref="Compute"/>, with each face's quality.</summary>
    public static Dictionary<string, (float[] Embedding, FaceQuality Quality)?> ComputeRated(FaceService service, IReadOnlyList<string> paths, IProgress<int>? progress = null, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(paths);
        var embeddings = new Dictionary<string, (float[], FaceQuality)?>(paths.Count);
        for (int start = 0; start < paths.Count; start += batchSize)
        {
            var chunk = paths.Skip(start).Take(batchSize).ToList();
            var results = service.AnalyzeBatchAsync([.. chunk.Select(service.DecodeFile)], FaceSelection.MostCentral).GetAwaiter().GetResult();
            for (int i = 0; i < chunk.Count; i++)
            {
                embeddings[chunk[i]] = results[i].Count > 0 ? (results[i][0].Embedding, FaceQualityRules.Assess(results[i][0])) : null;
            }

            progress?.Report(Math.Min(start + batchSize, paths.Count));
        }

        return embeddings;
    }
}
