using ArcFaceKit.Recognition;
using ArcFaceKit.Search;

// Usage: CrashWriter GALLERY FACES_PER_IDENTITY. Enrolls identities "p0", "p1", ... with random unit
// embeddings, printing "committed N" after each commit returns, until the process is killed.
var model = new ModelIdentity("crash-test", new string('0', 64), 1, 128);
int faces = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
using var gallery = FaceGallery.Open(args[0], model);
var rng = new Random();
for (int n = 0; ; n++)
{
    var embeddings = Enumerable.Range(0, faces).Select(_ =>
    {
        var v = Enumerable.Range(0, 128).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        OnnxFaceEmbedder.Normalize(v);
        return v;
    }).ToList();
    gallery.Enroll($"p{n}", embeddings);
    Console.WriteLine($"committed {n}");
}
