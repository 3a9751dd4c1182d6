using ArcFaceKit.Training.Heads;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Tests;

/// <summary>Closed forms at chosen angles, finite-difference gradients, psi's monotonicity, the ArcFace fallback, centre updates.</summary>
[Collection(SeededTorchCollection.Name)]
public class MarginPropertyTests
{
    // A 2-class head in 2-D whose class 0 weight is the x axis: a unit feature at angle theta has cos(theta) to it.
    private static (Tensor X, Tensor Labels) AtAngle(MarginHead head, double theta, double norm = 1.0)
    {
        using (no_grad())
        {
            head.Weight.copy_(tensor(new double[,] { { 1, 0 }, { 0, 1 } }));
        }

        return (tensor(new double[,] { { norm * Math.Cos(theta), norm * Math.Sin(theta) } }), tensor(new long[] { 0 }));
    }

    private static double TargetLogit(MarginHead head, double theta, double norm = 1.0)
    {
        head.to(ScalarType.Float64);
        var (x, labels) = AtAngle(head, theta, norm);
        return head.forward(x, labels)[0, 0].item<double>();
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.2)]
    [InlineData(2.0)]
    public void Target_logits_have_their_closed_forms(double theta)
    {
        Assert.Equal(64 * (Math.Cos(theta) - 0.35), TargetLogit(new CosFaceHead(2, 2, 64, 0.35), theta), 9);
        Assert.Equal(64 * Math.Cos(theta + 0.5), TargetLogit(new ArcFaceHead(2, 2, 64, 0.5), theta), 9);
        Assert.Equal(64 * (Math.Cos((1.0 * theta) + 0.3) - 0.2), TargetLogit(new CombinedMarginHead(2, 2, 64, 1.0, 0.3, 0.2), theta), 6);
        Assert.Equal(64 * Math.Cos(theta), TargetLogit(new NormSoftmaxHead(2, 2, 64), theta), 9);
        int k = (int)Math.Floor(4 * theta / Math.PI);
        double psi = (Math.Pow(-1, k) * Math.Cos(4 * theta)) - (2 * k);
        Assert.Equal(3 * ((5 * Math.Cos(theta)) + psi) / 6, TargetLogit(new SphereFaceHead(2, 2, 4, 5.0), theta, norm: 3), 6);
    }

    [Fact]
    public void ArcFace_falls_back_past_pi_minus_m_and_stays_monotonic()
    {
        var head = new ArcFaceHead(2, 2, 1, 0.5);
        double beyond = Math.PI - 0.3;
        Assert.Equal(Math.Cos(beyond) - (Math.Sin(Math.PI - 0.5) * 0.5), TargetLogit(head, beyond), 9);
        var values = Enumerable.Range(0, 64).Select(i => TargetLogit(head, i * Math.PI / 63)).ToList();
        Assert.All(values.Zip(values.Skip(1)), p => Assert.True(p.Second < p.First, $"{p.Second} >= {p.First}"));
    }

    [Fact]
    public void Easy_margin_leaves_obtuse_angles_alone()
    {
        var head = new ArcFaceHead(2, 2, 1, 0.5, easyMargin: true);
        Assert.Equal(Math.Cos(2.0), TargetLogit(head, 2.0), 9);
        Assert.Equal(Math.Cos(1.0 + 0.5), TargetLogit(head, 1.0), 9);
    }

    [Fact]
    public void SphereFace_psi_decreases_monotonically_over_0_to_pi()
    {
        var theta = linspace(0, Math.PI, 1000, dtype: ScalarType.Float64);
        var psi = SphereFaceHead.Psi(theta, 4).data<double>().ToArray();
        Assert.All(psi.Zip(psi.Skip(1)), p => Assert.True(p.Second <= p.First + 1e-12));
        Assert.Equal(1.0, psi[0], 9);
        Assert.Equal(-7.0, psi[^1], 6);
    }

    [Theory]
    [InlineData("arcface")]
    [InlineData("cosface")]
    [InlineData("sphereface")]
    [InlineData("combined")]
    [InlineData("center")]
    public void Gradients_match_finite_differences(string name)
    {
        torch.manual_seed(3);
        MarginHead head = name switch
        {
            "arcface" => new ArcFaceHead(6, 4, 16, 0.5),
            "cosface" => new CosFaceHead(6, 4, 16, 0.35),
            "sphereface" => new SphereFaceHead(6, 4, 4, 2.0),
            "combined" => new CombinedMarginHead(6, 4, 16, 0.9, 0.4, 0.15),
            _ => new CenterLossHead(6, 4, lambda: 0.5),
        };
        head.to(ScalarType.Float64);
        var x = randn(5, 6, dtype: ScalarType.Float64).requires_grad_(true);
        var labels = tensor(new long[] { 0, 1, 2, 3, 1 });
        if (head is CenterLossHead center)
        {
            center.UpdateCenters(randn(5, 6, dtype: ScalarType.Float64), labels);
        }

        head.Loss(x, labels).backward();
        var analytic = x.grad!.data<double>().ToArray();
        var values = x.detach().clone();
        const double h = 1e-6;
        for (int i = 0; i < analytic.Length; i++)
        {
            double Loss(double delta)
            {
                using var noGrad = no_grad();
                var shifted = values.clone();
                shifted.view(-1)[i] += delta;
                return head.Loss(shifted, labels).item<double>();
            }

            double numeric = (Loss(h) - Loss(-h)) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-5 * Math.Max(1, Math.Abs(numeric)), $"{name} d/dx[{i}]: autograd {analytic[i]}, finite difference {numeric}");
        }
    }

    [Fact]
    public void Center_update_moves_each_centre_towards_its_samples_at_rate_alpha()
    {
        var head = new CenterLossHead(2, 3, lambda: 1.0, alpha: 0.5);
        head.to(ScalarType.Float64);
        var x = tensor(new double[,] { { 2, 0 }, { 4, 0 }, { 0, 6 } });
        head.UpdateCenters(x, tensor(new long[] { 0, 0, 1 }));
        var c = head.Centers.data<double>().ToArray();

        // Class 0: delta = ((0-2) + (0-4)) / (1 + 2) = -2 -> c = 0 - 0.5 * -2 = 1; class 1: (0 - 6) / 2 = -3 -> 1.5; class 2 untouched.
        Assert.Equal(new double[] { 1, 0, 0, 1.5, 0, 0 }, c);
    }
}
