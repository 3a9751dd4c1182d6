using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace ArcFaceKit.Search;

/// <summary>What the ARM64 kernels share: stored codes as signed bytes, and the reduction that puts their sums back on the unsigned codes' scale.</summary>
internal static class ArmLanes
{
    /// <summary>Stored codes less the bias, as signed bytes (ARM multiplies signed by signed): flipping the top bit subtracts 128.</summary>
    public static Vector128<sbyte> Signed(ref byte stored, nuint at) => (Vector128.LoadUnsafe(ref stored, at) ^ Vector128.Create((byte)0x80)).AsSByte();

    /// <summary>
    /// Four sums reduced side by side (pairwise adds, two levels) plus the bias times the query's code sum: the dot
    /// products of the unsigned stored codes, as the x86 kernels compute them.
    /// </summary>
    public static Vector128<int> Sum4(QueryCode query, Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) =>
        AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3)) + Vector128.Create(Int8Codes.Bias * query.Sum);
}
