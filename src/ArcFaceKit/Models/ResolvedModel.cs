namespace ArcFaceKit.Models;

/// <summary>A manifest together with the file path found for each of its files.</summary>
internal sealed record ResolvedModel(ModelManifest Manifest, IReadOnlyDictionary<string, string> Paths)
{
    public string PathOf(string role) =>
        Paths.TryGetValue(role, out var p) ? p : throw new ModelContractException($"Model '{Manifest.Name}' has no '{role}' file.");
}
