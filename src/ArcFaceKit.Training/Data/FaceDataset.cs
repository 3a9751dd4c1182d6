using ArcFaceKit.Imaging;
using ArcFaceKit.Training.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Data;

/// <summary>
/// Aligned crops in memory with integer labels, resized to the backbone's input. Batches come in an order fixed by
/// the seed and the epoch, with a seeded horizontal flip, so a resumed run sees exactly what an uninterrupted one did.
/// </summary>
public sealed class FaceDataset
{
    private readonly List<(RgbImage Image, int Label)> _items;

    private FaceDataset(List<(RgbImage, int)> items, IReadOnlyList<string> identities, int inputSize)
    {
        _items = items;
        Identities = identities;
        InputSize = inputSize;
    }

    public IReadOnlyList<string> Identities { get; }

    public int InputSize { get; }

    public int Count => _items.Count;

    /// <summary>
    /// Loads a prepared folder (identity/crop.png) and splits it: of each identity with enough images, a share is held
    /// out. <paramref name="largestIdentities"/> keeps only that many identities, those with the most images.
    /// </summary>
    public static (FaceDataset Train, FaceDataset HeldOut) Load(string preparedDirectory, int inputSize, double heldOutShare = 0.1, int seed = 0, int minImagesPerIdentity = 2, int? largestIdentities = null)
    {
        var identities = Directory.EnumerateDirectories(preparedDirectory).Order(StringComparer.Ordinal)
            .Select(d => (Name: Path.GetFileName(d), Files: Directory.GetFiles(d, "*.png").Order(StringComparer.Ordinal).ToList()))
            .Where(d => d.Files.Count >= minImagesPerIdentity).ToList();
        if (largestIdentities is { } n)
        {
            // The n identities with the most images (ties by name), in name order.
            identities = [.. identities.OrderByDescending(i => i.Files.Count).ThenBy(i => i.Name, StringComparer.Ordinal).Take(n).OrderBy(i => i.Name, StringComparer.Ordinal)];
        }
        var names = identities.Select(i => i.Name).ToList();
        var train = new List<(RgbImage, int)>();
        var held = new List<(RgbImage, int)>();
        var rng = new Random(seed);
        for (int label = 0; label < identities.Count; label++)
        {
            var files = identities[label].Files.OrderBy(_ => rng.Next()).ToList();
            int hold = Math.Min(files.Count - 1, (int)Math.Round(files.Count * heldOutShare));
            for (int k = 0; k < files.Count; k++)
            {
                var image = ImageDecoder.DecodeFile(files[k]).Resize(inputSize, inputSize);
                (k < hold ? held : train).Add((image, label));
            }
        }

        return (new FaceDataset(train, names, inputSize), new FaceDataset(held, names, inputSize));
    }

    /// <summary>
    /// Batches of epoch <paramref name="epoch"/>: normalised NCHW input (the exported manifest's contract) and labels;
    /// with <paramref name="augment"/>, each image jittered (<see cref="Augmentation"/>) as fixed by the seed and epoch.
    /// </summary>
    public IEnumerable<(Tensor Input, Tensor Labels)> Batches(int epoch, int batchSize, int seed, bool flip, bool augment = false)
    {
        // Not HashCode.Combine: it is salted per process, and a resumed run must see the same order.
        var rng = new Random(unchecked((seed * 7919) + epoch));
        var order = Enumerable.Range(0, Count).OrderBy(_ => rng.Next()).ToArray();
        var flips = order.Select(_ => flip && rng.Next(2) == 1).ToArray();
        var jitter = augment ? order.Select(_ => rng.Next()).ToArray() : null;   // drawn last: the order and flips stay those of an unaugmented run
        var contract = BackboneExporter.TrainingInput(InputSize);
        int plane = 3 * InputSize * InputSize;
        for (int start = 0; start + batchSize <= Count; start += batchSize)
        {
            var values = new float[batchSize * plane];
            var labels = new long[batchSize];
            for (int b = 0; b < batchSize; b++)
            {
                var (image, label) = _items[order[start + b]];
                image = flips[start + b] ? image.FlipHorizontal() : image;
                contract.Fill(jitter is null ? image : Augmentation.Apply(image, new Random(jitter[start + b])), values.AsSpan(b * plane, plane));
                labels[b] = label;
            }

            // Made in its shape: a reshaped view would outlive the tensor that owns the array's release callback, which
            // TorchSharp then calls after collecting it (the process is terminated).
            yield return (torch.tensor(values, [batchSize, 3, InputSize, InputSize]), torch.tensor(labels));
        }
    }

    /// <summary>Full batches an epoch holds (the last partial batch is dropped).</summary>
    public int BatchesPerEpoch(int batchSize) => Count / batchSize;
}
