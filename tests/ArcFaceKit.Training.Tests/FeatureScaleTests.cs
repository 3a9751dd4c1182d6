using ArcFaceKit.Training.Heads;

namespace ArcFaceKit.Training.Tests;

/// <summary>The scale rule: AdaCos's fixed value for the class count, or a number.</summary>
public class FeatureScaleTests
{
    [Theory]
    [InlineData(299, 8.0569)]     // the CelebA subset
    [InlineData(8, 2.7519)]       // the 8-identity experiment
    [InlineData(10_575, 13.1043)] // CASIA-WebFace, the ArcFace paper's small-data ablation
    public void Auto_is_sqrt2_times_ln_of_classes_minus_1(int classes, double expected)
    {
        Assert.Equal(expected, FeatureScale.AdaCos(classes), 3);
        Assert.Equal(expected, FeatureScale.Parse("auto", classes), 3);
    }

    [Fact]
    public void A_number_is_taken_as_it_is_and_nonsense_is_refused()
    {
        Assert.Equal(64, FeatureScale.Parse("64", 299));
        Assert.Equal(30.5, FeatureScale.Parse("30.5", 299));
        Assert.Throws<ArgumentException>(() => FeatureScale.Parse("-1", 299));
        Assert.Throws<ArgumentException>(() => FeatureScale.Parse("big", 299));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureScale.AdaCos(2));
    }
}
