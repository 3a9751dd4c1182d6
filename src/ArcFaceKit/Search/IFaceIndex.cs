namespace ArcFaceKit.Search;

/// <summary>Vectors by id, searched by cosine similarity (vectors are L2-normalised).</summary>
internal interface IFaceIndex
{
    int Dimension { get; }

    int Count { get; }

    void Upsert(long id, ReadOnlySpan<float> vector);

    bool Remove(long id);

    /// <summary>The k most similar entries, best first.</summary>
    IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k);
}
