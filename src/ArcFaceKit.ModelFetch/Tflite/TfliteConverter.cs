using Google.Protobuf;
using G = ArcFaceKit.Models.OnnxGraphBuilder;

namespace ArcFaceKit.Models.Tflite;

/// <summary>
/// A float32 TensorFlow Lite image embedder written as an ONNX model: one NHWC image input becomes an NCHW one with a
/// free batch, filters are transposed to ONNX's layout, per-channel constants are shaped to broadcast over NCHW maps,
/// and the one image-to-row reshape at the end becomes a Flatten. TOCO spells PReLU as relu(x) + c (x - |x|) with
/// c = a / 2 (five operators over the whole map); that pattern becomes one PRelu of slope 2c, which the loader rewrites
/// into the form ONNX Runtime runs fastest (<see cref="PReluRewrite"/>). The same bytes in give the same model out, so
/// the result is checked by its SHA-256. Operators outside the ones converted are named in the error.
/// </summary>
internal static class TfliteConverter
{
    private static readonly string[] Converted = ["ADD", "SUB", "MUL", "RELU", "ABS", "CONV_2D", "DEPTHWISE_CONV_2D", "RESHAPE"];

    public static byte[] Convert(byte[] tflite, string graphName)
    {
        var model = TfliteModel.Read(tflite);
        var unsupported = model.Operators.Select(o => o.Name).Where(n => !Converted.Contains(n)).Distinct().ToList();
        if (unsupported.Count > 0)
        {
            throw new ModelContractException($"The TensorFlow Lite graph uses {string.Join(", ", unsupported)}, which the converter does not know (it converts {string.Join(", ", Converted)}).");
        }

        foreach (var op in model.Operators)
        {
            int needed = op.Name is "RELU" or "ABS" or "RESHAPE" ? 1 : 2;
            if (op.Outputs.Length != 1 || op.Inputs.Length < needed || op.Inputs.Take(needed).Any(i => i < 0))
            {
                throw new ModelContractException($"A {op.Name} has {op.Inputs.Length} inputs and {op.Outputs.Length} outputs; it needs {needed} and one.");
            }
        }

        if (model.Inputs.Count != 1 || model.Outputs.Count != 1)
        {
            throw new ModelContractException($"The graph has {model.Inputs.Count} inputs and {model.Outputs.Count} outputs; an embedder has one of each.");
        }

        var input = model.Tensors[model.Inputs[0]];
        var output = model.Tensors[model.Outputs[0]];
        if (input.Shape is not [_, int h, int w, int channels] || h != w || output.Shape is not [_, int size])
        {
            throw new ModelContractException($"The graph maps [{string.Join(", ", input.Shape)}] to [{string.Join(", ", output.Shape)}]; an embedder maps a square NHWC image to one row.");
        }

        var graph = new G(graphName, "ArcFaceKit.ModelFetch");
        var state = new Translation(model, graph);
        state.Values[model.Inputs[0]] = "input";
        var prelus = PReluPatterns.Find(model);
        foreach (var op in model.Operators)
        {
            if (prelus.Absorbed.Contains(op))
            {
                continue;
            }

            state.Values[op.Outputs[0]] = prelus.ByAdd.TryGetValue(op, out var prelu)
                ? graph.Node("PRelu", [state.Value(prelu.Input), graph.Initializer([.. prelu.Halves.Select(v => 2 * v)], "slope", prelu.Halves.Length, 1, 1)])
                : state.Translate(op);
        }

        return graph.Build("input", channels, h, state.Value(model.Outputs[0]), size).ToByteArray();
    }

    private sealed class Translation(TfliteModel model, G graph)
    {
        public Dictionary<int, string> Values { get; } = [];

        public string Value(int tensor) => Values.TryGetValue(tensor, out var name)
            ? name
            : throw new ModelContractException($"Tensor {model.Tensors[tensor].Name} is used before any operator makes it.");

        public string Translate(TfliteOperator op) => op.Name switch
        {
            "ADD" => Elementwise(op, "Add"),
            "SUB" => Elementwise(op, "Sub"),
            "MUL" => Elementwise(op, "Mul"),
            "RELU" => graph.Node("Relu", [Value(op.Inputs[0])]),
            "ABS" => graph.Node("Abs", [Value(op.Inputs[0])]),
            "CONV_2D" => Convolution(op, depthwise: false),
            "DEPTHWISE_CONV_2D" => Convolution(op, depthwise: true),
            _ => Reshape(op),
        };

        /// <summary>ADD, SUB, MUL: fused activation in field 0 of each one's options.</summary>
        private string Elementwise(TfliteOperator op, string onnx) =>
            Activate(graph.Node(onnx, [Operand(op.Inputs[0]), Operand(op.Inputs[1])]), op.Options?.Byte(0) ?? 0, op);

        /// <summary>An activation, or a constant: a scalar stays one; one value a channel broadcasts as [C, 1, 1] over NCHW.</summary>
        private string Operand(int tensor)
        {
            if (model.Constant(tensor) is not { } values)
            {
                return Value(tensor);
            }

            var shape = model.Tensors[tensor].Shape;
            if (values.Length == 1)
            {
                return graph.Initializer(values, "scalar");
            }

            return shape.Length > 0 && shape[^1] == values.Length
                ? graph.Initializer(values, "channels", values.Length, 1, 1)
                : throw new ModelContractException($"Constant {model.Tensors[tensor].Name} of shape [{string.Join(", ", shape)}] is neither one value nor one a channel.");
        }

        /// <summary>
        /// CONV_2D filters are [out, kh, kw, in], DEPTHWISE_CONV_2D's [1, kh, kw, in x multiplier]; options: padding 0,
        /// stride w 1, h 2, then (depthwise: multiplier 3) the fused activation and the dilations. SAME pads as TF does,
        /// the odd pixel at the end, computed from the tensors' sizes.
        /// </summary>
        private string Convolution(TfliteOperator op, bool depthwise)
        {
            var options = op.Options ?? throw new ModelContractException($"A {op.Name} has no options.");
            var filterShape = model.Tensors[op.Inputs[1]].Shape;
            if (filterShape.Length != 4 || model.Tensors[op.Inputs[0]].Shape.Length != 4 || model.Tensors[op.Outputs[0]].Shape.Length != 4)
            {
                throw new ModelContractException($"A {op.Name} of tensor {model.Tensors[op.Inputs[0]].Name} needs 4-D input, filter and output.");
            }

            float[] filter = model.Constant(op.Inputs[1]) ?? throw new ModelContractException($"A {op.Name}'s filter is not constant.");
            int kh = filterShape[1], kw = filterShape[2];
            int cin = model.Tensors[op.Inputs[0]].Shape[3], cout = filterShape[depthwise ? 3 : 0];
            if (depthwise ? cout % cin != 0 : filterShape[3] != cin)
            {
                throw new ModelContractException($"A {op.Name}'s filter [{string.Join(", ", filterShape)}] does not fit its {cin} input channels.");
            }

            int perGroup = depthwise ? 1 : cin;
            var weights = new float[cout * perGroup * kh * kw];
            for (int o = 0; o < cout; o++)
            {
                for (int i = 0; i < perGroup; i++)
                {
                    for (int y = 0; y < kh; y++)
                    {
                        for (int x = 0; x < kw; x++)
                        {
                            int from = depthwise ? (((y * kw) + x) * cout) + o : (((((o * kh) + y) * kw) + x) * cin) + i;
                            weights[(((((o * perGroup) + i) * kh) + y) * kw) + x] = filter[from];
                        }
                    }
                }
            }

            int activationField = depthwise ? 4 : 3, dilationField = depthwise ? 5 : 4;
            int strideW = options.Int(1, 1), strideH = options.Int(2, 1);
            int dilationW = options.Int(dilationField, 1), dilationH = options.Int(dilationField + 1, 1);
            var (inShape, outShape) = (model.Tensors[op.Inputs[0]].Shape, model.Tensors[op.Outputs[0]].Shape);
            bool same = options.Byte(0) == 0;
            var (top, bottom) = same ? SamePads(inShape[1], outShape[1], kh, strideH, dilationH) : (0, 0);
            var (left, right) = same ? SamePads(inShape[2], outShape[2], kw, strideW, dilationW) : (0, 0);
            var inputs = new List<string> { Value(op.Inputs[0]), graph.Initializer(weights, "w", cout, perGroup, kh, kw) };
            if (op.Inputs.Length > 2 && op.Inputs[2] >= 0)
            {
                inputs.Add(graph.Initializer(model.Constant(op.Inputs[2]) ?? throw new ModelContractException($"A {op.Name}'s bias is not constant."), "b", cout));
            }

            string conv = graph.Node("Conv", inputs,
                G.Ints("kernel_shape", kh, kw), G.Ints("strides", strideH, strideW), G.Ints("dilations", dilationH, dilationW),
                G.Ints("pads", top, left, bottom, right), G.Int("group", depthwise ? cin : 1));
            return Activate(conv, options.Byte(activationField), op);
        }

        /// <summary>Only a map of 1x1 pixels reshaped to rows, the embedding at the end of the graph.</summary>
        private string Reshape(TfliteOperator op)
        {
            var (from, to) = (model.Tensors[op.Inputs[0]].Shape, model.Tensors[op.Outputs[0]].Shape);
            return from is [_, 1, 1, int c] && to is [_, int d] && c == d
                ? graph.Node("Flatten", [Value(op.Inputs[0])])
                : throw new ModelContractException($"A RESHAPE of [{string.Join(", ", from)}] to [{string.Join(", ", to)}] is not converted (only a 1x1 map to rows).");
        }

        /// <summary>ActivationFunctionType: NONE 0, RELU 1, RELU6 3.</summary>
        private string Activate(string value, byte activation, TfliteOperator op) => activation switch
        {
            0 => value,
            1 => graph.Node("Relu", [value]),
            3 => graph.Node("Clip", [value, graph.Initializer([0f], "zero"), graph.Initializer([6f], "six")]),
            _ => throw new ModelContractException($"A {op.Name} fuses activation {activation}, which the converter does not know."),
        };

        private static (long Before, long After) SamePads(int input, int output, int kernel, int stride, int dilation)
        {
            long total = Math.Max(((output - 1) * stride) + ((kernel - 1) * dilation) + 1 - input, 0);
            return (total / 2, total - (total / 2));
        }
    }
}
