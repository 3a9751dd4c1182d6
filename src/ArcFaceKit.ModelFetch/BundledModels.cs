using System.Reflection;
using ArcFaceKit.IO;

namespace ArcFaceKit.Models;

/// <summary>
/// Models shipped inside this package, so detection works with no fetch at all: YuNet-s with five landmarks
/// (libfacedetection.train, Apache-2.0; its licence and notice ship beside it and are written beside the model).
/// The bytes are checked against the built-in manifest's SHA-256 before they are written, and again at every load.
/// </summary>
public static class BundledModels
{
    public const string YuNetFile = "yunet_s_dynamic.onnx";
    private const string ResourcePrefix = "ArcFaceKit.Bundled.";

    /// <summary>
    /// The bundled YuNet as a file in <paramref name="directory"/> (default: the model cache), written from the package
    /// when missing or when the file there is not the bundled one.
    /// </summary>
    public static string YuNet(string? directory = null)
    {
        directory ??= ModelStore.DefaultDirectory;
        string path = Path.Combine(directory, YuNetFile);
        var expected = Expected(YuNetFile);
        if (File.Exists(path) && Sha256File.Of(path) == expected)
        {
            return path;
        }

        Directory.CreateDirectory(directory);
        Install(directory, YuNetFile, Resource(YuNetFile));
        foreach (var notice in new[] { "LICENSE-yunet.txt", "NOTICE-yunet.txt" })
        {
            AtomicFile.WriteAllBytes(Path.Combine(directory, notice), Resource(notice));
        }

        return path;
    }

    /// <summary>Writes a bundled model after checking its bytes against the built-in manifest; anything else is refused.</summary>
    internal static string Install(string directory, string file, byte[] bytes)
    {
        string sha = Sha256File.Of(bytes);
        if (sha != Expected(file))
        {
            throw new ModelContractException($"The bundled {file} has SHA-256 {sha}, not the {Expected(file)} its manifest names: the package is damaged; reinstall it.");
        }

        string path = Path.Combine(directory, file);
        AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Expected(string file) =>
        ModelResolver.KnownManifests.SelectMany(m => m.Files).First(f => f.File == file).Sha256;

    private static byte[] Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new ModelContractException($"The package lacks its bundled {name}; reinstall it.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
