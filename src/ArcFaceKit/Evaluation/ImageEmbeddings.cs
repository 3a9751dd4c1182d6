using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Evaluation;

/// <summary>One embedding per image file for evaluations: the pipeline's first face (its selection decides which), or null when none.</summary>
public static class ImageEmbeddings
{
    public static Dictionary<string, float[]?> Compute(FacePipeline pipeline, IReadOnlyList<string> paths, IProgress<int>? progress = null, int batchSize = 16)
    {
        var embeddings = new Dictionary<string, float[]?>(paths.Count);
        for (int start = 0; start < paths.Count; start += batchSize)
        {
            var chunk = paths.Skip(start).Take(batchSize).ToList();
            var results = pipeline.AnalyzeBatch([.. chunk.Select(p => ImageDecoder.DecodeFile(p))]);
            for (int i = 0; i < chunk.Count; i++)
            {
                embeddings[chunk[i]] = results[i].Count > 0 ? results[i][0].Embedding : null;
            }

            progress?.Report(Math.Min(start + batchSize, paths.Count));
        }

        return embeddings;
    }
}
