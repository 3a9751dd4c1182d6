namespace ArcFaceKit.Gallery;

/// <summary>
/// What a face belongs to: a subject, or a group of unnamed faces (each in its own table). Its id is also the id its
/// bytes are sealed for, so subjects and groups draw their ids from one sequence where sealing has keys (PostgreSQL).
/// </summary>
internal readonly record struct FaceOwner(bool IsGroup, long Id)
{
    public static FaceOwner Subject(long id) => new(false, id);

    public static FaceOwner Group(long id) => new(true, id);

    /// <summary>The owner's table (holding its template).</summary>
    public string Table => IsGroup ? "face_groups" : "subjects";

    /// <summary>The column of faces that points at an owner of this kind.</summary>
    public string Column => IsGroup ? "group_id" : "subject_id";
}
