using System.Text.Json;
using ArcFaceKit.Training.Heads;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Tests;

/// <summary>Each head's logits, loss and gradients against ../shared/fixtures/margin_losses.json (float64 PyTorch autograd).</summary>
public class MarginOracleTests
{
    private static readonly JsonElement Oracle = JsonDocument.Parse(File.ReadAllText(SharedRoot.Fixture("margin_losses.json"))).RootElement;

    public static TheoryData<string> Heads() => new("softmax", "norm_softmax", "cosface", "arcface", "combined", "sphereface");

    [Theory]
    [MemberData(nameof(Heads))]
    public void Logits_loss_and_gradients_match_pytorch_in_float64(string name)
    {
        var c = Oracle.GetProperty("cases").EnumerateArray().Single(k => k.GetProperty("head").GetString() == name);
        var p = c.GetProperty("params");
        double[,] w = Matrix(Oracle.GetProperty("W"));
        int classes = w.GetLength(0), dim = w.GetLength(1);
        MarginHead head = name switch
        {
            "softmax" => new SoftmaxHead(dim, classes),
            "norm_softmax" => new NormSoftmaxHead(dim, classes, p.GetProperty("s").GetDouble()),
            "cosface" => new CosFaceHead(dim, classes, p.GetProperty("s").GetDouble(), p.GetProperty("m").GetDouble()),
            "arcface" => new ArcFaceHead(dim, classes, p.GetProperty("s").GetDouble(), p.GetProperty("m").GetDouble()),
            "combined" => new CombinedMarginHead(dim, classes, p.GetProperty("s").GetDouble(), p.GetProperty("m1").GetDouble(), p.GetProperty("m2").GetDouble(), p.GetProperty("m3").GetDouble()),
            "sphereface" => new SphereFaceHead(dim, classes, p.GetProperty("m").GetInt32(), p.GetProperty("lambda").GetDouble()),
            _ => throw new ArgumentException(name),
        };
        head.to(ScalarType.Float64);
        using (no_grad())
        {
            head.Weight.copy_(tensor(w));
            if (head is SoftmaxHead softmax)
            {
                softmax.Bias.copy_(tensor(p.GetProperty("bias").EnumerateArray().Select(v => v.GetDouble()).ToArray()));
            }
        }

        var x = tensor(Matrix(Oracle.GetProperty("x"))).requires_grad_(true);
        var labels = tensor(Oracle.GetProperty("labels").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        var logits = head.forward(x, labels);
        var loss = head.Loss(x, labels);
        loss.backward();

        AssertClose(Matrix(c.GetProperty("logits")), logits, $"{name} logits");
        AssertClose(new double[,] { { c.GetProperty("loss").GetDouble() } }, loss.reshape(1, 1), $"{name} loss");
        AssertClose(Matrix(c.GetProperty("grad_x")), x.grad!, $"{name} grad x");
        AssertClose(Matrix(c.GetProperty("grad_W")), head.Weight.grad!, $"{name} grad W");
    }

    private static void AssertClose(double[,] expected, Tensor actual, string what)
    {
        var a = actual.detach().to(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(expected.Length, a.Length);
        int i = 0;
        foreach (double e in expected)
        {
            double tolerance = 1e-6 * Math.Max(1.0, Math.Abs(e));
            Assert.True(Math.Abs(a[i] - e) <= tolerance, $"{what}[{i}]: {a[i]} vs PyTorch {e}");
            i++;
        }
    }

    private static double[,] Matrix(JsonElement rows)
    {
        var r = rows.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[r.Length, r[0].Length];
        for (int i = 0; i < r.Length; i++)
        {
            for (int j = 0; j < r[0].Length; j++)
            {
                m[i, j] = r[i][j];
            }
        }

        return m;
    }
}
