using ArcFaceKit.Alignment;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Training.Data;

/// <summary>What preparing a data set did: crops written, and the photos where no face was found or that could not be read.</summary>
public sealed record PrepareReport(int Written, IReadOnlyList<string> NoFace, IReadOnlyList<string> Unreadable);

/// <summary>
/// Turns labelled photos into aligned crops with the pipeline's own detector and aligner: OUT/identity/name.png,
/// the face nearest the centre of each photo.
/// </summary>
public static class DatasetPreparer
{
    public static PrepareReport Prepare(IReadOnlyList<LabeledImage> sources, IFaceDetector detector, string outputDirectory, int cropSize = 112, IProgress<int>? progress = null)
    {
        var aligner = new FaceAligner(cropSize);
        var noFace = new List<string>();
        var unreadable = new List<string>();
        int written = 0;
        for (int i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            try
            {
                var image = ImageDecoder.DecodeFile(source.Path);
                var faces = detector.Detect(image);
                if (faces.Count == 0)
                {
                    noFace.Add(source.Path);
                    continue;
                }

                var face = FaceSelector.Apply(faces, FaceSelection.MostCentral, image.Width, image.Height)[0];
                string dir = Path.Combine(outputDirectory, source.Identity);
                Directory.CreateDirectory(dir);
                ImageEncoder.WritePng(aligner.Align(image, face.Landmarks), Path.Combine(dir, Path.GetFileNameWithoutExtension(source.Path) + ".png"));
                written++;
            }
            catch (ImageDecodeException)
            {
                unreadable.Add(source.Path);
            }

            progress?.Report(i + 1);
        }

        return new PrepareReport(written, noFace, unreadable);
    }
}
