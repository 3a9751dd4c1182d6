using Onnx;

namespace ArcFaceKit.Models;

/// <summary>What the graph rewrites share: who reads a tensor, and tidying afterwards.</summary>
internal static class GraphEdits
{
    /// <summary>The nodes reading each tensor (a node once per tensor, however many of its inputs name it).</summary>
    public static ILookup<string, NodeProto> Consumers(GraphProto g) =>
        g.Node.SelectMany(n => n.Input.Where(i => i.Length > 0).Distinct().Select(i => (Input: i, Node: n))).ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);

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
