using ArcFaceKit.Pipeline;
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
    public static async Task<List<string>> AnalyzeAsync(FacePipeline pipeline, string folder, IReadOnlyList<string> files, int batch, bool quiet, Action<string, IReadOnlyList<FaceRecord>> each, CancellationToken cancellationToken)
    {
        var skipped = new List<string>();
        async Task Work(Action<int> advance)
        {
            await foreach (var file in pipeline.AnalyzeFilesAsync(files, batchSize: batch, cancellationToken: cancellationToken))
            {
                if (file.Error is not null)
                {
                    skipped.Add(file.Error.Message);
                }
                else
                {
                    each(Path.GetRelativePath(folder, file.Path), file.Faces);
                }

                advance(1);
            }
        }

        if (quiet)
        {
            await Work(_ => { });
        }
        else
        {
            await AnsiConsole.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask("faces", maxValue: Math.Max(files.Count, 1));
                await Work(n => task.Increment(n));
            });
        }

        return skipped;
    }
}
