using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>
/// A gallery searched in its database instead of in memory (PostgreSQL with pgvector: <c>PgvectorSearch</c>), for
/// galleries larger than a node's memory or stateless API nodes: the database keeps its own copies of the faces' and
/// templates' vectors, written inside each write's transaction, and answers the nearest-neighbour searches; what it
/// returns is scored as the in-memory index scores, so <see cref="SubjectRanking"/>'s rules apply unchanged.
/// </summary>
internal interface IDatabaseSearch
{
    /// <summary>At open, inside its transaction once the gallery's tables exist: creates (or checks) what the search needs.</summary>
    Task PrepareAsync(DbConnection db, DbTransaction tx, int dimension, CancellationToken cancellationToken);

    /// <summary>Last in a write's transaction, before its commit: brings the copies of the owners it changed in line with their rows.</summary>
    Task WrittenAsync(DbConnection db, DbTransaction tx, IReadOnlyCollection<FaceOwner> owners, CancellationToken cancellationToken);

    Task<int> CountFacesAsync(DbConnection db, CancellationToken cancellationToken);

    /// <summary>The n faces of subjects nearest the probe, best first.</summary>
    Task<IReadOnlyList<FaceHit>> NearestFacesAsync(DbConnection db, float[] probe, int n, CancellationToken cancellationToken);

    /// <summary>The n subject templates nearest the probe, best first.</summary>
    Task<IReadOnlyList<TemplateHit>> NearestTemplatesAsync(DbConnection db, float[] probe, int n, CancellationToken cancellationToken);

    /// <summary>For each subject with faces: its name, its most similar face and the similarity of its template.</summary>
    Task<IReadOnlyList<SubjectMatch>> ScoreAsync(DbConnection db, float[] probe, IReadOnlyCollection<long> subjects, CancellationToken cancellationToken);

    /// <summary>The group whose template is nearest the probe, or null when there are none (inside a write's transaction).</summary>
    Task<TemplateHit?> NearestGroupAsync(DbConnection db, DbTransaction tx, float[] probe, CancellationToken cancellationToken);
}
