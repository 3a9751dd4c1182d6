using System.Runtime.Intrinsics;

namespace ArcFaceKit.Search;

/// <summary>
/// The dot products the 8-bit scan asks of a kernel (<see cref="Int8Tile{TSteps, TSum, TStored, TQuery}"/>), as static
/// members so the scan generic over it is compiled once for each kernel, with it inlined. Each lane is one of eight
/// stored vectors (unsigned codes, <c>stride</c> bytes apart) with one query (<see cref="QueryCode"/>): the sum of
/// stored code x query code over the stride, the same integer from every kernel (none saturates or rounds).
/// </summary>
internal interface IInt8Kernel
{
    /// <summary>Eight stored vectors with one query.</summary>
    static abstract Vector256<int> Dot8(ref byte stored, nuint stride, QueryCode query);

    /// <summary>Eight stored vectors with each of two queries: each code load feeds both (the batch scan's tile).</summary>
    static abstract (Vector256<int> First, Vector256<int> Second) Dot8x2(ref byte stored, nuint stride, QueryCode first, QueryCode second);
}
