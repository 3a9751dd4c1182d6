namespace ArcFaceKit.Clustering;

/// <summary>People (largest first) and the faces left in no person (noise: people smaller than the minimum).</summary>
public sealed record ClusteringResult(IReadOnlyList<PersonCluster> People, IReadOnlyList<int> Noise)
{
    /// <summary>Each face's person id, or -1 for noise, in face order.</summary>
    public int[] Labels(int faceCount)
    {
        var labels = new int[faceCount];
        Array.Fill(labels, -1);
        foreach (var person in People)
        {
            foreach (int face in person.Faces)
            {
                labels[face] = person.Id;
            }
        }

        return labels;
    }
}
