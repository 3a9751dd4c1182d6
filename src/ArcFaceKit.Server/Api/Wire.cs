using ArcFaceKit.Detection;
using ArcFaceKit.Matching;
using ArcFaceKit.Server.Storage;

namespace ArcFaceKit.Server.Api;

// The API's JSON shapes, one record each (camelCase on the wire); documented by the OpenAPI document at /openapi/v1.json.

public sealed record BoxJson(float X, float Y, float Width, float Height);

public sealed record FaceJson(BoxJson Box, float[][] Landmarks, float Score)
{
    public static FaceJson From(DetectedFace f) =>
        new(new BoxJson(f.Box.X, f.Box.Y, f.Box.Width, f.Box.Height), [.. f.Landmarks.Select(p => new[] { p.X, p.Y })], f.Score);
}

public sealed record DetectResponse(int Width, int Height, IReadOnlyList<FaceJson> Faces);

public sealed record EmbeddedFaceJson(FaceJson Face, float[] Embedding);

public sealed record EmbedResponse(string Model, int Dimension, IReadOnlyList<EmbeddedFaceJson> Faces);

public sealed record ThresholdJson(float Cosine, string Source)
{
    public static ThresholdJson From(SimilarityThreshold t) => new(t.Cosine, t.Source);
}

public sealed record VerifyResponse(float Similarity, bool Match, ThresholdJson Threshold, FaceJson Face1, FaceJson? Face2, string? Subject, long? SubjectFaceId);

public sealed record SubjectRequest(string Name);

public sealed record SubjectJson(string Name, int FaceCount, DateTimeOffset CreatedUtc)
{
    public static SubjectJson From(Subject s) => new(s.Name, s.FaceCount, s.CreatedUtc);
}

public sealed record StoredFaceJson(long Id, string Subject, DateTimeOffset CreatedUtc, FaceJson? Face)
{
    public static StoredFaceJson From(StoredFace f, FaceJson? face = null) => new(f.Id, f.Subject, f.CreatedUtc, face);
}

public sealed record MatchJson(string Subject, float Similarity, bool Accepted, long FaceId);

public sealed record RecognizedFaceJson(FaceJson Face, IReadOnlyList<MatchJson> Matches);

public sealed record RecognizeResponse(int Width, int Height, ThresholdJson Threshold, IReadOnlyList<RecognizedFaceJson> Faces);

public sealed record HealthResponse(string Status, string Store, string Model, int Dimension, int Faces);

public sealed record AuditJson(long Id, DateTimeOffset TimeUtc, string KeyId, string Action, string? Subject, string? Detail)
{
    public static AuditJson From(AuditEntry e) => new(e.Id, e.TimeUtc, e.KeyId, e.Action, e.Subject, e.Detail);
}
