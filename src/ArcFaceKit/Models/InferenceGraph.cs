using Google.Protobuf;
using Onnx;

namespace ArcFaceKit.Models;

/// <summary>
/// The graph as the library runs it: exact rewrites that ONNX Runtime's own optimiser does not make, applied at load
/// (the file and its SHA-256 stay as they are). Subnormal weights are zeroed and PRelu is rewritten into ops with fast
/// kernels (see each rewrite for why and how much).
/// </summary>
internal static class InferenceGraph
{
    /// <summary>
    /// The model bytes with the rewrites applied (the same array when none applies), and, when asked, the same graph
    /// with a batch fixed at 1 freed (null when the batch is not a fixed 1): one parse for both.
    /// </summary>
    public static (byte[] Fixed, byte[]? Batched) Prepare(byte[] modelBytes, bool freeBatch = false)
    {
        var model = Parse(modelBytes);
        byte[] prepared = Prepare(model) == 0 ? modelBytes : model.ToByteArray();
        return (prepared, freeBatch && FreeBatch.Rewrite(model) ? model.ToByteArray() : null);
    }

    /// <summary>The bytes a session of the library runs: prepared, with the batch freed when asked and possible (unverified).</summary>
    public static byte[] AsRun(byte[] modelBytes, bool freeBatch)
    {
        var (prepared, batched) = Prepare(modelBytes, freeBatch);
        return batched ?? prepared;
    }

    /// <summary>Applies the rewrites in place; returns how many weights and nodes changed.</summary>
    public static int Prepare(ModelProto model) => SubnormalWeights.FlushToZero(model) + PReluRewrite.Apply(model);

    public static ModelProto Parse(byte[] modelBytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(modelBytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelContractException($"not an ONNX model ({e.Message}).", e);
        }

        return model.Graph is null ? throw new ModelContractException("not an ONNX model (no graph).") : model;
    }
}
