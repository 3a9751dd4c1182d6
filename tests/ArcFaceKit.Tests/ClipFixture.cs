using ArcFaceKit.Clips;
using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;

namespace ArcFaceKit.Tests;

/// <summary>
/// One small generated clip shared by the clip tests (3 s, 640x360, two LFW people, moderate noise, blur and
/// compression), rendered once into a temporary folder, with the default detector (YuNet at its default options).
/// </summary>
public sealed class ClipFixture : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-clips-").FullName;

    public ClipFixture()
    {
        Detector = FaceDetectors.Open(Shared.Model("yunet_s_dynamic.onnx"));
        var stills = new StillFaces(Detector);
        var rng = new Random(11);
        var people = FaceDatasets.Load(Shared.Root, "lfw");
        var cast = people.Select((p, i) => ClipSetPlanner.Member(p, stills, rng, i)).OfType<CastMember>().Take(2).ToList();
        string[] pool = [.. people.Skip(100).Take(20).SelectMany(p => p.Photos)];
        var script = ClipScripter.Write(new ClipShape("small", 7, 640, 360, 25, 75), cast, pool);
        script = script with { Effects = new ClipEffects(26, 4, 0.5f, 0.4f) };
        Script = script with { Background = ClipSetPlanner.FaceFree(script, pool, Detector) };
        Rows = GroundTruth.Rows(Script);
        Video = Path.Combine(_dir, "small.mp4");
        ClipRenderer.Render(Script, Video);
    }

    internal FaceDetectorBase Detector { get; }

    internal ClipScript Script { get; }

    internal IReadOnlyList<MotRow> Rows { get; }

    public string Video { get; }

    public void Dispose()
    {
        Detector.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
