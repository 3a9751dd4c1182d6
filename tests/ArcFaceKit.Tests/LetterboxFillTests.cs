using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Tests;

/// <summary>A detector's input written row by row from the photo equals the resized, padded photo filled whole.</summary>
public class LetterboxFillTests
{
    public static TheoryData<string, int, int, int, int> Cases => new()
    {
        { "BGR", 300, 300, 320, 320 },    // YuNet's input for an LFW photo at the defaults
        { "RGB", 97, 211, 128, 224 },     // odd sizes: the SIMD path's tail and a right padding of 31
        { "GRAY", 151, 149, 160, 160 },
        { "RGB", 150, 150, 150, 150 },    // no resize, no padding
        { "BGR", 7, 5, 32, 32 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Letterboxed_input_equals_the_resized_and_padded_photo_filled_whole(string channels, int width, int height, int canvasWidth, int canvasHeight)
    {
        var photo = ImageDecoder.DecodeFile(Shared.LfwImage("Abel_Pacheco_0001.jpg"));
        var contract = channels == "GRAY"
            ? new InputContract { Channels = "GRAY", Mean = [10f], Std = [3f] }
            : new InputContract { Channels = channels, Mean = [127.5f, 110f, 3f], Std = [128f, 0.5f, 7f] };
        int length = contract.ChannelCount * canvasWidth * canvasHeight;

        var whole = new float[length];
        contract.Fill(photo.Resize(width, height).PadTo(canvasWidth, canvasHeight), whole);
        var rows = new float[length];
        contract.FillLetterboxed(photo, new CanvasPlacement(width, height, canvasWidth, canvasHeight), rows);

        Assert.Equal(whole, rows);
    }
}
