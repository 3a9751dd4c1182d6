using System.Numerics.Tensors;

namespace ArcFaceKit.Clustering;

/// <summary>
/// DBSCAN over cosine similarity, as the photo-library baselines run it: a face with at least <c>minPoints</c> faces
/// (itself included) within the radius is a core face; people are the core faces linked through each other, with
/// the faces within reach of them; the rest is noise. Every face is compared with every other: for evaluation sets.
/// </summary>
internal static class Dbscan
{
    /// <summary>Each face's cluster (0, 1, ...) or -1 for noise; <paramref name="minSimilarity"/> is the radius as a cosine.</summary>
    public static int[] Run(IReadOnlyList<float[]> embeddings, float minSimilarity, int minPoints)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        int n = embeddings.Count;
        var neighbours = new List<int>[n];
        Parallel.For(0, n, i =>
        {
            var list = new List<int>();
            for (int j = 0; j < n; j++)
            {
                if (TensorPrimitives.Dot(embeddings[i], embeddings[j]) >= minSimilarity)
                {
                    list.Add(j);
                }
            }

            neighbours[i] = list;
        });

        var labels = new int[n];
        Array.Fill(labels, -1);
        var visited = new bool[n];
        int next = 0;
        var queue = new Queue<int>();
        for (int i = 0; i < n; i++)
        {
            if (visited[i] || neighbours[i].Count < minPoints)
            {
                continue;
            }

            int cluster = next++;
            visited[i] = true;
            labels[i] = cluster;
            queue.Enqueue(i);
            while (queue.TryDequeue(out int core))
            {
                foreach (int j in neighbours[core])
                {
                    if (labels[j] < 0)
                    {
                        labels[j] = cluster;
                    }

                    if (!visited[j] && neighbours[j].Count >= minPoints)
                    {
                        visited[j] = true;
                        queue.Enqueue(j);
                    }
                }
            }
        }

        return labels;
    }
}
