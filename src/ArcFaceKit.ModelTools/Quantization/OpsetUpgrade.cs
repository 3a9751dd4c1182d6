using Onnx;

namespace ArcFaceKit.Models.Quantization;

/// <summary>
/// Raises a model's default-domain opset to 10 when it is lower: ONNX Runtime fuses quantize/dequantize pairs into
/// QLinearConv and QLinearAdd, which exist from opset 10. Between 9 and 10 only Slice changed form among the ops the
/// supported models use (its starts, ends and axes moved from attributes to inputs); ops whose meaning changed are refused.
/// </summary>
internal static class OpsetUpgrade
{
    public const int MinimumOpset = 10;

    private static readonly HashSet<string> ChangedAt10 = ["Upsample", "TopK"];

    public static void ToMinimum(ModelProto model)
    {
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx");
        if (opset is null || opset.Version >= MinimumOpset)
        {
            return;
        }

        var changed = model.Graph.Node.Where(n => ChangedAt10.Contains(n.OpType) && n.Domain.Length == 0).Select(n => n.OpType).Distinct().ToList();
        if (changed.Count > 0)
        {
            throw new ModelContractException($"The model uses opset {opset.Version} with {string.Join(", ", changed)}, whose form changed in opset 10: convert it to opset 10 or later first.");
        }

        foreach (var slice in model.Graph.Node.Where(n => n.OpType == "Slice" && n.Input.Count == 1))
        {
            var inputs = new List<string> { slice.Input[0] };
            foreach (string name in new[] { "starts", "ends", "axes" })
            {
                var attribute = slice.Attribute.FirstOrDefault(a => a.Name == name);
                if (attribute is null)
                {
                    continue; // only axes may be absent
                }

                var tensor = TensorData.Create<long>($"{slice.Output[0]}_{name}", TensorProto.Types.DataType.Int64, [.. attribute.Ints], attribute.Ints.Count);
                model.Graph.Initializer.Add(tensor);
                inputs.Add(tensor.Name);
                slice.Attribute.Remove(attribute);
            }

            slice.Input.Clear();
            slice.Input.AddRange(inputs);
        }

        opset.Version = MinimumOpset;
    }
}
