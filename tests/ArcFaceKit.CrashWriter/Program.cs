using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;

// Usage: CrashWriter GALLERY FACES_PER_SUBJECT. Enrolls subjects "p0", "p1", ... with random unit
// embeddings, printing "committed N" after each commit returns, until the process is killed.
var model = new ModelIdentity("crash-test", new string('0', 64), 1, 128);
int faces = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
await using var gallery = await SqliteGallery.OpenAsync(args[0], model);
var rng = new Random();
for (int n = 0; ; n++)
{
    var embeddings = Enumerable.Range(0, faces).Select(_ =>
    {
        var v = Enumerable.Range(0, 128).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Embeddings.Normalize(v);
        return new NewFace(v, []);
    }).ToList();
    await gallery.AddFacesAsync($"p{n}", embeddings, "crash-writer");
    Console.WriteLine($"committed {n}");
}
