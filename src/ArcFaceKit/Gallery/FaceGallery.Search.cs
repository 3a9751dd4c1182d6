using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>Where the gallery's searches go: its index in memory, or its database (<see cref="IDatabaseSearch"/>), chosen per gallery at open.</summary>
internal sealed partial class FaceGallery
{
    private Task<int> IndexedFacesAsync(DbConnection db, CancellationToken c) =>
        _database is { } database ? database.CountFacesAsync(db, c) : _index.CountFacesAsync(c);

    private Task<IReadOnlyList<FaceHit>> NearestFacesAsync(DbConnection db, float[] probe, int n, CancellationToken c) =>
        _database is { } database ? database.NearestFacesAsync(db, probe, n, c) : _index.NearestFacesAsync(probe, n, c);

    private Task<IReadOnlyList<TemplateHit>> NearestTemplatesAsync(DbConnection db, float[] probe, int n, CancellationToken c) =>
        _database is { } database ? database.NearestTemplatesAsync(db, probe, n, c) : _index.NearestTemplatesAsync(probe, n, c);

    private Task<IReadOnlyList<SubjectMatch>> ScoreAsync(DbConnection db, float[] probe, IReadOnlyCollection<long> subjects, CancellationToken c) =>
        _database is { } database ? database.ScoreAsync(db, probe, subjects, c) : _index.ScoreAsync(probe, subjects, c);

    private Task<TemplateHit?> NearestGroupAsync(DbConnection db, DbTransaction tx, float[] probe, CancellationToken c) =>
        _database is { } database ? database.NearestGroupAsync(db, tx, probe, c) : _index.NearestGroupAsync(probe, c);
}
