using Onnx;

namespace ArcFaceKit.Models;

/// <summary>Tidying after a graph rewrite.</summary>
internal static class GraphCleanup
{
    /// <summary>Drops initializers no node reads any more (and their graph-input entries, which old IR versions keep).</summary>
    public static void RemoveUnusedInitializers(GraphProto g)
    {
        var used = g.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var t in g.Initializer.Where(t => !used.Contains(t.Name)).ToList())
        {
            g.Initializer.Remove(t);
            var asInput = g.Input.FirstOrDefault(i => i.Name == t.Name);
            if (asInput is not null)
            {
                g.Input.Remove(asInput);
            }
        }
    }
}
