using ArcFaceKit.Models;

namespace ArcFaceKit.Tests;

/// <summary>
/// Weights that are not what the converter knows are refused with a clear error, never half converted. The real
/// conversion (npm's files in, the pinned SHA-256 out) is in <see cref="ModelFetchTests"/>.
/// </summary>
public class DlibResNetConverterTests
{
    [Fact]
    public void A_weights_file_of_another_length_than_its_manifest_says_is_refused()
    {
        const string manifest = """[{ "paths": ["w.bin"], "weights": [{ "name": "fc", "shape": [2, 2], "dtype": "float32" }] }]""";
        var e = Assert.Throws<ModelContractException>(() => DlibResNetConverter.Convert(manifest, new byte[20]));
        Assert.Contains("holds 20 bytes; its manifest describes 16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_quantization_is_refused()
    {
        const string manifest = """[{ "weights": [{ "name": "fc", "shape": [4], "dtype": "float32", "quantization": { "dtype": "uint16", "scale": 1, "min": 0 } }] }]""";
        var e = Assert.Throws<ModelContractException>(() => DlibResNetConverter.Convert(manifest, new byte[8]));
        Assert.Contains("only uint8 is known", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_of_another_network_are_refused_by_the_tensor_they_lack()
    {
        const string manifest = """[{ "weights": [{ "name": "fc", "shape": [1], "dtype": "float32" }] }]""";
        var e = Assert.Throws<ModelContractException>(() => DlibResNetConverter.Convert(manifest, new byte[4]));
        Assert.Contains("conv32_down/conv/filters", e.Message, StringComparison.Ordinal);
    }
}
