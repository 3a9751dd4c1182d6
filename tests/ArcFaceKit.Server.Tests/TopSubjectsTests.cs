using ArcFaceKit.Server.Storage;

namespace ArcFaceKit.Server.Tests;

public sealed class TopSubjectsTests
{
    // One subject with many near faces ahead of the others: the search must look past them to find k subjects.
    private static readonly SubjectHit[] Ranked =
    [
        .. Enumerable.Range(0, 30).Select(i => new SubjectHit("crowd", i, 0.9f - (i * 0.001f))),
        new SubjectHit("b", 100, 0.5f), new SubjectHit("crowd", 31, 0.45f), new SubjectHit("c", 101, 0.4f),
    ];

    [Theory]
    [InlineData(33)]
    [InlineData(int.MaxValue)]
    public void Asks_for_more_faces_until_k_distinct_subjects_each_scored_by_its_best_face(int total)
    {
        var asked = new List<int>();
        var hits = TopSubjects.Collect(n =>
        {
            asked.Add(n);
            return Ranked.Take(n).ToList();
        }, 3, total);
        Assert.Equal(["crowd", "b", "c"], hits.Select(h => h.Subject));
        Assert.Equal(0.9f, hits[0].Similarity);
        Assert.True(asked.Count > 1 && asked.Zip(asked.Skip(1)).All(p => p.Second > p.First));
    }

    [Fact]
    public void Returns_what_there_is_when_there_are_fewer_subjects_than_asked()
    {
        Assert.Equal(3, TopSubjects.Collect(n => Ranked.Take(n).ToList(), 10, int.MaxValue).Count);
        Assert.Empty(TopSubjects.Collect(_ => [], 5, 0));
    }
}
