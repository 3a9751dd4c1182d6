namespace ArcFaceKit.Clips;

/// <summary>
/// One identity of a dataset in ../shared with all its photos: <paramref name="Dataset"/> is "lfw" or "celeba",
/// <paramref name="Identity"/> LFW's name or CelebA's identity number, <paramref name="Photos"/> full paths in file order.
/// </summary>
internal sealed record DatasetPerson(string Dataset, string Identity, IReadOnlyList<string> Photos);
