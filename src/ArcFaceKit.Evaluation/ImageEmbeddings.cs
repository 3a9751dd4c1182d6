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
        int done = 0;
        foreach (var file in service.AnalyzeFiles(paths, FaceSelection.MostCentral, batchSize))
        {
            if (file.Error is not null)
            {
                throw file.Error; // a dataset's photo that cannot be read is an error, not a photo without a face
            }

            embeddings[file.Path] = file.Faces.Count > 0 ? (file.Faces[0].Embedding, FaceQualityRules.Assess(file.Faces[0])) : null;
            if (++done % batchSize == 0 || done == paths.Count)
            {
                progress?.Report(done); // files done, not distinct paths: a list naming a photo twice still ends at its count
            }
        }

        return embeddings;
    }
}
