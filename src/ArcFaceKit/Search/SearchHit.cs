namespace ArcFaceKit.Search;

/// <summary>One entry of a top-k answer: its id and cosine similarity to the query.</summary>
internal readonly record struct SearchHit(long Id, float Similarity);
