using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using ArcFaceKit.Alignment;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Recognition;

/// <summary>
/// Embedding-level fusion of embedders: each member's normalised embedding (of the face aligned to that member's
/// template), scaled by 1/sqrt(members), concatenated. The result is unit length and its cosine is the mean of the members' cosines, so this
/// is also score-level fusion by the mean, with the one gallery and index the single models use. It is a model of its
/// own: its identity hashes the members' identities, and its thresholds are measured for it, never taken from a member.
/// </summary>
internal sealed class FusedFaceEmbedder : IModelEmbedder
{
    public const string Architecture = "fusion";

    private readonly OnnxFaceEmbedder[] _members;
    private readonly int[] _templateOf;
    private readonly float _weight;

    /// <summary>
    /// Fuses opened embedders (the fusion owns and disposes them). The manifest describes the fusion; when none is given
    /// one is made, with the thresholds the library measured for these members if it knows them.
    /// </summary>
    public FusedFaceEmbedder(IReadOnlyList<OnnxFaceEmbedder> members, ModelManifest? manifest = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2)
        {
            throw new ArgumentException("Fusion needs at least two embedders.", nameof(members));
        }

        _members = [.. members];
        var templates = new List<FaceTemplate>();
        foreach (var template in _members.Select(m => m.Templates[0]))
        {
            if (!templates.Exists(t => t.SameAs(template)))
            {
                templates.Add(template);
            }
        }

        _templateOf = [.. _members.Select(m => templates.FindIndex(t => t.SameAs(m.Templates[0])))];
        Templates = templates;
        _weight = 1 / MathF.Sqrt(_members.Length);
        Dimension = _members.Sum(m => m.Dimension);
        InputSize = templates[0].Size;
        Manifest = manifest ?? Describe(_members);
        CheckManifest(Manifest, _members);
        Identity = new ModelIdentity(Manifest.Name, IdentityHash(_members), Manifest.PreprocessingVersion, Dimension);
    }

    public ModelManifest Manifest { get; }

    public ModelIdentity Identity { get; }

    public int Dimension { get; }

    public int InputSize { get; }

    /// <summary>The members' templates, each once, in the order members first name them.</summary>
    public IReadOnlyList<FaceTemplate> Templates { get; }

    public IReadOnlyList<OnnxFaceEmbedder> Members => _members;

    public TimeSpan InferenceTime => _members.Aggregate(TimeSpan.Zero, (t, m) => t + m.InferenceTime);

    /// <summary>The norms are the first member's: a quality signal compares faces of one model, and that model is one.</summary>
    public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<AlignedFace> faces, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faces);
        if (faces.FirstOrDefault(f => f.Crops.Count != Templates.Count) is { } wrong)
        {
            throw new ArgumentException($"{Manifest.Name} takes {Templates.Count} crops a face ({string.Join(", ", Templates)}); got {wrong.Crops.Count}.", nameof(faces));
        }

        var parts = _members.Select((m, k) => m.Embed([.. faces.Select(f => f.Crops[_templateOf[k]])], cancellationToken)).ToArray();
        var fused = new FaceEmbedding[faces.Count];
        for (int i = 0; i < fused.Length; i++)
        {
            var vector = new float[Dimension];
            int offset = 0;
            foreach (var part in parts)
            {
                TensorPrimitives.Multiply(part[i].Vector, _weight, vector.AsSpan(offset, part[i].Vector.Length));
                offset += part[i].Vector.Length;
            }

            fused[i] = new FaceEmbedding(vector, parts[0][i].Norm);
        }

        return fused;
    }

    public void Dispose()
    {
        foreach (var m in _members)
        {
            m.Dispose();
        }
    }

    /// <summary>The manifest of a fusion of these members: their files in order, and the thresholds the library knows for them.</summary>
    internal static ModelManifest Describe(IReadOnlyList<OnnxFaceEmbedder> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var files = members.Select((m, i) => m.Manifest.PrimaryFile with { Role = MemberRole(i) }).ToList();
        var known = ModelResolver.KnownFusions.FirstOrDefault(k => SameMembers(k.Files, files));
        return new ModelManifest
        {
            Name = known?.Name ?? string.Join('+', members.Select(m => m.Manifest.Name)),
            Kind = "embedder",
            Architecture = Architecture,
            Files = files,
            EmbeddingDimension = members.Sum(m => m.Dimension),
            Thresholds = known?.Thresholds ?? [],
            Licence = string.Join("; ", members.Select(m => $"{m.Manifest.Name}: {m.Manifest.Licence}")),
            Source = $"embedding-level fusion (equal weights) of {string.Join(" and ", members.Select(m => m.Manifest.Name))}",
        };
    }

    /// <summary>The role of the i-th member's file in a fusion manifest.</summary>
    internal static string MemberRole(int index) => $"member-{index + 1}";

    private static void CheckManifest(ModelManifest manifest, OnnxFaceEmbedder[] members)
    {
        if (manifest.Architecture != Architecture || !SameMembers(manifest.Files, [.. members.Select(m => m.Manifest.PrimaryFile)])
            || manifest.EmbeddingDimension != members.Sum(m => m.Dimension))
        {
            throw new ModelContractException($"Fusion manifest '{manifest.Name}' does not describe the embedders given ({string.Join(", ", members.Select(m => m.Identity))}).");
        }
    }

    /// <summary>The same model files, in order, each aligned the same way (a member fed other crops is another model).</summary>
    private static bool SameMembers(IReadOnlyList<ModelFileEntry> a, IReadOnlyList<ModelFileEntry> b) =>
        a.Count == b.Count && a.Zip(b).All(p => string.Equals(p.First.Sha256, p.Second.Sha256, StringComparison.OrdinalIgnoreCase) && p.First.Input.Alignment == p.Second.Input.Alignment);

    private static string IdentityHash(OnnxFaceEmbedder[] members) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Architecture}:{string.Join('|', members.Select(m => m.Identity.Key))}")));
}
