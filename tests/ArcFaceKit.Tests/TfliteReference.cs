using ArcFaceKit.Models;
using ArcFaceKit.Models.Tflite;

namespace ArcFaceKit.Tests;

/// <summary>
/// A TensorFlow Lite graph's own arithmetic, for checking the converter: every operator as the TFLite reference kernels
/// define it, on NHWC maps in double precision, one operator at a time (no PReLU fusion, no layout change, no ONNX).
/// </summary>
internal static class TfliteReference
{
    /// <summary>The graph's output for one NHWC image (batch 1), as doubles.</summary>
    public static double[] Run(byte[] tflite, float[] imageNhwc)
    {
        var model = TfliteModel.Read(tflite);
        var values = new Dictionary<int, double[]> { [model.Inputs[0]] = [.. imageNhwc.Select(v => (double)v)] };
        double[] Get(int t) => values.TryGetValue(t, out var v) ? v : [.. model.Constant(t)!.Select(f => (double)f)];
        int[] Shape(int t) => model.Tensors[t].Shape;
        foreach (var op in model.Operators)
        {
            int o = op.Outputs[0];
            values[o] = op.Name switch
            {
                "ADD" => Activate(Binary(Get(op.Inputs[0]), Get(op.Inputs[1]), (a, b) => a + b), op.Options?.Byte(0) ?? 0),
                "SUB" => Activate(Binary(Get(op.Inputs[0]), Get(op.Inputs[1]), (a, b) => a - b), op.Options?.Byte(0) ?? 0),
                "MUL" => Activate(Binary(Get(op.Inputs[0]), Get(op.Inputs[1]), (a, b) => a * b), op.Options?.Byte(0) ?? 0),
                "RELU" => [.. Get(op.Inputs[0]).Select(v => Math.Max(v, 0))],
                "ABS" => [.. Get(op.Inputs[0]).Select(Math.Abs)],
                "RESHAPE" => Get(op.Inputs[0]),
                "CONV_2D" or "DEPTHWISE_CONV_2D" => Convolve(op, Get(op.Inputs[0]), Get(op.Inputs[1]), op.Inputs.Length > 2 && op.Inputs[2] >= 0 ? Get(op.Inputs[2]) : null, Shape(op.Inputs[0]), Shape(op.Inputs[1]), Shape(o)),
                _ => throw new ModelContractException($"The reference does not run {op.Name}."),
            };
        }

        return values[model.Outputs[0]];
    }

    /// <summary>Elementwise with the smaller operand broadcast along the last (channel) axis, as TFLite broadcasts [C] or [1,1,C] over NHWC.</summary>
    private static double[] Binary(double[] a, double[] b, Func<double, double, double> f)
    {
        if (a.Length < b.Length)
        {
            return Binary(b, a, (x, y) => f(y, x));
        }

        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            r[i] = f(a[i], b[i % b.Length]);
        }

        return r;
    }

    private static double[] Activate(double[] v, byte activation) => activation switch
    {
        0 => v,
        1 => [.. v.Select(x => Math.Max(x, 0))],
        3 => [.. v.Select(x => Math.Clamp(x, 0, 6))],
        _ => throw new ModelContractException($"The reference does not fuse activation {activation}."),
    };

    /// <summary>
    /// TFLite's convolution: out[y, x, o] = bias[o] + sum over the window of in[y s - pad_top + ky d, x s - pad_left + kx d, i]
    /// times filter[o, ky, kx, i] (depthwise: filter[0, ky, kx, o], i = o / multiplier); SAME puts the odd pixel at the end.
    /// </summary>
    private static double[] Convolve(TfliteOperator op, double[] input, double[] filter, double[]? bias, int[] inShape, int[] fShape, int[] outShape)
    {
        bool depthwise = op.Name == "DEPTHWISE_CONV_2D";
        var options = op.Options!.Value;
        int strideW = options.Int(1, 1), strideH = options.Int(2, 1);
        int dilationW = options.Int(depthwise ? 5 : 4, 1), dilationH = options.Int(depthwise ? 6 : 5, 1);
        int activation = options.Byte(depthwise ? 4 : 3);
        var (h, w, cin) = (inShape[1], inShape[2], inShape[3]);
        var (oh, ow, cout) = (outShape[1], outShape[2], outShape[3]);
        var (kh, kw) = (fShape[1], fShape[2]);
        bool same = options.Byte(0) == 0;
        int padTop = same ? Math.Max(((oh - 1) * strideH) + ((kh - 1) * dilationH) + 1 - h, 0) / 2 : 0;
        int padLeft = same ? Math.Max(((ow - 1) * strideW) + ((kw - 1) * dilationW) + 1 - w, 0) / 2 : 0;
        int multiplier = depthwise ? cout / cin : 1;
        var output = new double[oh * ow * cout];
        for (int y = 0; y < oh; y++)
        {
            for (int x = 0; x < ow; x++)
            {
                for (int o = 0; o < cout; o++)
                {
                    double sum = bias?[o] ?? 0;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int iy = (y * strideH) - padTop + (ky * dilationH);
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ix = (x * strideW) - padLeft + (kx * dilationW);
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                            {
                                continue;
                            }

                            int pixel = ((iy * w) + ix) * cin;
                            if (depthwise)
                            {
                                sum += input[pixel + (o / multiplier)] * filter[(((ky * kw) + kx) * cout) + o];
                            }
                            else
                            {
                                int f = ((((o * kh) + ky) * kw) + kx) * cin;
                                for (int i = 0; i < cin; i++)
                                {
                                    sum += input[pixel + i] * filter[f + i];
                                }
                            }
                        }
                    }

                    output[(((y * ow) + x) * cout) + o] = sum;
                }
            }
        }

        return Activate(output, (byte)activation);
    }
}
