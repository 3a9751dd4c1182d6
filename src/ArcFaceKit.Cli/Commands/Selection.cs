using ArcFaceKit.Detection;

namespace ArcFaceKit.Cli.Commands;

internal static class Selection
{
    public static FaceSelection Parse(string mode) => mode switch
    {
        "all" => FaceSelection.All,
        "largest" => FaceSelection.Largest,
        "central" => FaceSelection.MostCentral,
        _ => throw new UsageException($"--select must be all, largest or central, not '{mode}'."),
    };
}
