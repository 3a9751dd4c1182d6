using System.Runtime.Intrinsics;

namespace ArcFaceKit.Search;

/// <summary>
/// One instruction set's part of the 8-bit tiles (<see cref="Int8Tile{TSteps, TSum, TStored, TQuery}"/>): how a step's
/// stored codes and query codes are loaded, multiplied and added into a running sum, and how four sums are reduced.
/// Static members of a struct, so each tile is compiled with them inlined.
/// </summary>
/// <typeparam name="TSum">A running sum (a vector of 32-bit lanes).</typeparam>
/// <typeparam name="TStored">A step's stored codes as the multiply takes them.</typeparam>
/// <typeparam name="TQuery">A step's query codes as the multiply takes them.</typeparam>
internal interface IInt8Steps<TSum, TStored, TQuery>
{
    /// <summary>Code bytes a step (it divides the 32-byte stride).</summary>
    static abstract int Step { get; }

    /// <summary>Whether a tile of eight stored vectors by two queries runs as two of four by two: on sixteen registers, sixteen running sums and their operands would spill.</summary>
    static abstract bool InFours { get; }

    /// <summary>The query's codes as this kernel reads them (<see cref="QueryCode.Code"/> or <see cref="QueryCode.Wide"/>), as a reference to their first byte.</summary>
    static abstract ref byte QueryData(QueryCode query);

    /// <summary>The stored codes at byte <paramref name="at"/>.</summary>
    static abstract TStored Stored(ref byte stored, nuint at);

    /// <summary>The query codes of the stored codes at byte <paramref name="at"/>.</summary>
    static abstract TQuery Query(ref byte query, nuint at);

    static abstract TSum MultiplyAdd(TSum sum, TStored stored, TQuery query);

    /// <summary>Four running sums reduced side by side, as the dot products of the unsigned stored codes (the same integers on every kernel).</summary>
    static abstract Vector128<int> Sum4(QueryCode query, TSum a0, TSum a1, TSum a2, TSum a3);
}
