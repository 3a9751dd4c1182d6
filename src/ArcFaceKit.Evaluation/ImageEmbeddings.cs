using ArcFaceKit.Detection;
using ArcFaceKit.Quality;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Evaluation;

/// <summary>One embedding per image file for evaluations: the face nearest the image centre, or null when none was found.</summary>
public static class ImageEmbeddings
{
    public static async Task<Dictionary<string, float[]?>> ComputeAsync(FacePipeline pipeline, IReadOnlyList<string> paths, IProgress<int>? progress = null, int batchSize = 16, CancellationToken cancellationToken = default) =>
        (await ComputeRatedAsync(pipeline, paths, progress, batchSize, cancellationToken).ConfigureAwait(false)).ToDictionary(kv => kv.Key, kv => kv.Value?.Embedding);

    /// <summary>As <see cref="ComputeAsync"/>, with each face's quality.</summary>
    public static async Task<Dictionary<string, RatedEmbedding?>> ComputeRatedAsync(FacePipeline pipeline, IReadOnlyList<string> paths, IProgress<int>? progress = null, int batchSize = 16, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(paths);
        var embeddings = new Dictionary<string, RatedEmbedding?>(paths.Count);
        int done = 0;
        await foreach (var file in pipeline.AnalyzeFilesAsync(paths, FaceSelection.MostCentral, batchSize, cancellationToken).ConfigureAwait(false))
        {
            if (file.Error is not null)
            {
                throw file.Error; // a dataset's photo that cannot be read is an error, not a photo without a face
            }

            embeddings[file.Path] = file.Faces.Count > 0 ? new RatedEmbedding(file.Faces[0].Embedding, FaceQualityRules.Assess(file.Faces[0])) : null;
            if (++done % batchSize == 0 || done == paths.Count)
            {
                progress?.Report(done); // files done, not distinct paths: a list naming a photo twice still ends at its count
            }
        }

        return embeddings;
    }
}

/// <summary>An image's embedding with its face's quality.</summary>
public sealed record RatedEmbedding(float[] Embedding, FaceQuality Quality);
