using ArcFaceKit.Evaluation;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Tests;

public sealed class IdentificationTests
{
    private static float[] Unit(params float[] v)
    {
        Embeddings.Normalize(v);
        return v;
    }

    [Fact]
    public void A_distractor_closer_than_the_gallery_photo_costs_rank_1_but_not_rank_5()
    {
        (string, float[])[] gallery = [("a", Unit(1, 0, 0)), ("b", Unit(0, 1, 0))];
        (string, float[]?)[] probes = [("a", Unit(1, 0.2f, 0)), ("b", Unit(0.1f, 1, 0)), ("b", null)];

        var clean = IdentificationProtocol.Evaluate(gallery, probes, [], SubjectScoring.BestFace);
        Assert.Equal(2.0 / 3, clean.Rank1, 6);                       // the probe without a face is a miss
        Assert.Equal(1, clean.ProbesWithoutFace);

        var crowded = IdentificationProtocol.Evaluate(gallery, probes, [Unit(1, 0.21f, 0)], SubjectScoring.BestFace);
        Assert.Equal(1.0 / 3, crowded.Rank1, 6);                     // the distractor now beats a's own photo
        Assert.Equal(2.0 / 3, crowded.Rank5, 6);
        Assert.Equal(1, crowded.Distractors);
    }

    [Fact]
    public async Task Lfw_people_are_identified_among_distractors_on_real_faces()
    {
        string[] files =
        [
            "Abel_Pacheco_0001.jpg", "Abel_Pacheco_0002.jpg", "Abel_Pacheco_0004.jpg",
            "Jean_Chretien_0002.jpg", "Jean_Chretien_0006.jpg", "Jean_Chretien_0008.jpg",
            "AJ_Lamas_0001.jpg", "Aaron_Eckhart_0001.jpg", "Dean_Barker_0001.jpg",
        ];
        using var pipeline = Shared.OpenPipeline();
        var reports = await LfwIdentification.RunAsync(pipeline, files.Select(Shared.LfwImage), [0, 3]);

        Assert.Equal((2, 4, 0), (reports[0].GalleryIdentities, reports[0].Probes, reports[0].Distractors));
        Assert.Equal(3, reports[1].Distractors);
        Assert.All(reports, r => Assert.Equal(1.0, r.Rank1));
        Assert.Equal("Abel_Pacheco", LfwIdentification.PersonOf("/x/Abel_Pacheco_0004.jpg"));
    }
}
