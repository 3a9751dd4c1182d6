using ArcFaceKit.Imaging;
using ArcFaceKit.Service;
using Spectre.Console;

namespace ArcFaceKit.Cli;

/// <summary>Every face of every image under a folder, analysed in batches with a progress bar; unreadable images are skipped and named.</summary>
public static class FolderFaces
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    /// <summary>The image files under the folder (searched recursively), in ordinal order.</summary>
    public static List<string> Files(string folder) =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)]
            : throw new UsageException($"Folder not found: {folder}");

    /// <summary>
    /// Calls <paramref name="each"/> with each image's path relative to the folder and its faces, in file order; returns
    /// the messages of the images that could not be read. A progress bar unless <paramref name="quiet"/>.
    /// </summary>
    public static List<string> Analyze(FaceService service, string folder, IReadOnlyList<string> files, int batch, bool quiet, Action<string, IReadOnlyList<FaceRecord>> each, CancellationToken cancel)
    {
        var skipped = new List<string>();
        void Work(Action<int> advance)
        {
            for (int start = 0; start < files.Count; start += batch)
            {
                var chunk = files.Skip(start).Take(batch).ToList();
                var images = new List<RgbImage>();
                var names = new List<string>();
                foreach (var f in chunk)
                {
                    try
                    {
                        images.Add(service.DecodeFile(f));
                        names.Add(f);
                    }
                    catch (ImageDecodeException e)
                    {
                        skipped.Add(e.Message);
                    }
                }

                var results = service.AnalyzeBatchAsync(images, cancel: cancel).GetAwaiter().GetResult();
                for (int i = 0; i < names.Count; i++)
                {
                    each(Path.GetRelativePath(folder, names[i]), results[i]);
                }

                advance(chunk.Count);
            }
        }

        if (quiet)
        {
            Work(_ => { });
        }
        else
        {
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("faces", maxValue: Math.Max(files.Count, 1));
                Work(n => task.Increment(n));
            });
        }

        return skipped;
    }
}
