using System.Text.Json;
using System.Text.Json.Serialization;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Contracts;

// The JSON shapes the CLI prints and the server answers, one record each (camelCase on the wire): the same
// question gets the same answer in the same shape from either front end (docs/cli-output.md, /openapi/v1.json).

public sealed record BoxJson(float X, float Y, float Width, float Height);

public sealed record FaceJson(BoxJson Box, float[][] Landmarks, float Score)
{
    /// <summary>The face in the photo's own pixels: <paramref name="scale"/> is the decoded image's (see DecodedImage.Scale).</summary>
    public static FaceJson From(DetectedFace f, float scale = 1f)
    {
        ArgumentNullException.ThrowIfNull(f);
        f = f.ScaledBy(scale);
        return new(new BoxJson(f.Box.X, f.Box.Y, f.Box.Width, f.Box.Height), [.. f.Landmarks.Select(p => new[] { p.X, p.Y })], f.Score);
    }
}

public sealed record DetectResponse(int Width, int Height, IReadOnlyList<FaceJson> Faces);

public sealed record EmbeddedFaceJson(FaceJson Face, float[] Embedding);

public sealed record EmbedResponse(string Model, int Dimension, IReadOnlyList<EmbeddedFaceJson> Faces);

public sealed record ThresholdJson(float Cosine, string Source)
{
    public static ThresholdJson From(SimilarityThreshold t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Cosine, t.Source);
    }
}

public sealed record VerifyResponse(float Similarity, bool Match, ThresholdJson Threshold, FaceJson Face1, FaceJson? Face2, string? Subject, long? SubjectFaceId, string? Scoring, string Model);

public sealed record SubjectRequest(string Name);

public sealed record SubjectJson(string Name, int FaceCount, DateTimeOffset CreatedUtc)
{
    public static SubjectJson From(Subject s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Name, s.FaceCount, s.CreatedUtc);
    }
}

public sealed record StoredFaceJson(long Id, string Subject, DateTimeOffset CreatedUtc, string? Source, FaceJson? Face)
{
    public static StoredFaceJson From(StoredFace f, FaceJson? face = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.Id, f.Subject, f.CreatedUtc, f.Source, face);
    }
}

/// <summary>A candidate subject: the score under the scoring rule, whether it passes the threshold, and its most similar face.</summary>
public sealed record MatchJson(string Subject, float Similarity, bool Accepted, long FaceId, float FaceSimilarity, float TemplateSimilarity)
{
    public static MatchJson From(IdentityCandidate c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Match.Subject, c.Match.Similarity, c.Accepted, c.Match.FaceId, c.Match.FaceSimilarity, c.Match.TemplateSimilarity);
    }
}

/// <summary>A face of a 1:N query: its candidates, the accepted identity, and the group of unnamed faces it was kept in, if it was.</summary>
public sealed record RecognizedFaceJson(FaceJson Face, string? Identity, IReadOnlyList<MatchJson> Matches, long? Group = null)
{
    public static RecognizedFaceJson From(IdentifiedFace f, float scale = 1f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(FaceJson.From(f.Face.Face, scale), f.Identity, [.. f.Candidates.Select(MatchJson.From)], f.Collected?.Group);
    }
}

/// <summary>A group of unnamed faces: its faces (oldest first), the representative (nearest its centroid), when it was started.</summary>
public sealed record GroupJson(long Id, int FaceCount, long Representative, IReadOnlyList<GroupFaceJson> Faces, DateTimeOffset CreatedUtc)
{
    public static GroupJson From(FaceGroup g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return new(g.Id, g.Faces.Count, g.Representative, [.. g.Faces.Select(f => new GroupFaceJson(f.Id, f.CreatedUtc, f.Source))], g.CreatedUtc);
    }
}

public sealed record GroupFaceJson(long Id, DateTimeOffset CreatedUtc, string? Source);

/// <summary>The group a merge takes faces from.</summary>
public sealed record MergeRequest(long Group);

/// <summary>A face of a photo added to the unnamed faces: the group it joined, or none (left out for poor quality).</summary>
public sealed record CollectedFaceJson(FaceJson Face, long? Group);

/// <summary>One photo of a bulk upload to the unnamed faces: its faces, or why it could not be used.</summary>
public sealed record CollectedPhotoJson(int Photo, IReadOnlyList<CollectedFaceJson> Faces, string? Error);

public sealed record RecognizeResponse(int Width, int Height, ThresholdJson Threshold, string Scoring, IReadOnlyList<RecognizedFaceJson> Faces);

public sealed record HealthResponse(string Status, string Store, string Model, int Dimension, int Faces);

public sealed record AuditJson(long Id, DateTimeOffset TimeUtc, string KeyId, string Action, string? Subject, string? Detail)
{
    public static AuditJson From(AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Id, e.TimeUtc, e.Actor, e.Action, e.Subject, e.Detail);
    }
}

/// <summary>The serializer settings both front ends use.</summary>
public static class JsonShapes
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };

    /// <summary>camelCase, nulls left out, NaN and infinities written as names rather than failing.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        return options;
    }
}

/// <summary>A face found by clustering: where it is (file, face index, box) and its image quality (0..1, FaceQuality.ImageScore).</summary>
public sealed record ClusteredFaceJson(string File, int Face, BoxJson Box, float Quality);

/// <summary>One person found by clustering: its representative face (nearest the centroid), every face, and its contact sheet when one was written.</summary>
public sealed record PersonJson(int Id, ClusteredFaceJson Representative, IReadOnlyList<ClusteredFaceJson> Faces, string? Sheet);

/// <summary>A clustered collection: the people, the faces in no person (noise), faces left out for poor quality, and images that could not be read.</summary>
public sealed record ClusterResponse(
    string Model, float Threshold, int MinFaces, int Images, int Faces,
    IReadOnlyList<PersonJson> People, IReadOnlyList<ClusteredFaceJson> Noise, IReadOnlyList<ClusteredFaceJson> PoorQuality, IReadOnlyList<string> Skipped);
